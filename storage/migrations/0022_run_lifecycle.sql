-- Runs deleted or restored (RunLifecycleSet: MLflow's runs/delete and runs/restore), one row
-- per event, kept through merges (keyed by the event's Kafka position, so a replay collapses).
-- A run's stage is its latest event on Kafka (both are keyed by run id, so they share a
-- partition): argMax(lifecycle_stage, (src_partition, src_offset)). A run with no row is active.
CREATE TABLE IF NOT EXISTS {database}.run_lifecycle
(
    project String,
    run_id String,
    lifecycle_stage String,
    set_at_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
