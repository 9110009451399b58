-- Experiments as MLflow clients know them (ExperimentDeclared: created, deleted, restored),
-- one row per declaration, kept through merges (keyed by the event's origin, so a replay
-- collapses): readers take the latest declaration's fields (argMax) and the first one's time
-- as the creation time. Experiments that runs name but nobody declared are not here:
-- storage/experiments.ts lists those from the runs themselves.
CREATE TABLE IF NOT EXISTS {database}.experiments
(
    project String,
    experiment_id String,
    name String,
    lifecycle_stage String,
    artifact_location String,
    tag_keys Array(String),
    tag_values Array(String),
    declared_at_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, experiment_id, src_partition, src_offset)
