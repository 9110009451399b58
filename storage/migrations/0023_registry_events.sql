-- The model registry's audit log (RegistryChanged): one row per change asked, accepted or not,
-- never updated or deleted by runlens (no route writes here but the processor's inserts). Keyed
-- by the change's Kafka position, so a replay collapses; a project's changes share a partition
-- (keyed by project), so (src_partition, src_offset) orders them, and replaying them in that
-- order decides what took effect (query-api/registry/state.ts). `change` is the event as JSON.
CREATE TABLE IF NOT EXISTS {database}.registry_events
(
    project String,
    event_id String,
    action String,
    model String,
    actor String,
    at_ms UInt64,
    change String,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, src_partition, src_offset)
