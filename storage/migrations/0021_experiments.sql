-- Experiments as MLflow clients know them (ExperimentDeclared: created, deleted, restored),
-- one row per declaration; the latest declared_at_ms wins per experiment id (versioned, so
-- merges keep it; readers take argMax). Experiments that runs name but nobody declared are
-- not here: storage/experiments.ts lists those from the runs themselves.
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
ENGINE = ReplacingMergeTree(declared_at_ms)
ORDER BY (project, experiment_id)
