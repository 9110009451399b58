-- Online experiments as declared (OnlineExperimentDeclared): one row per declaration, the
-- definition as JSON beside the columns readers filter on. Readers take each experiment's latest
-- declaration; a replay collapses on the origin.
CREATE TABLE IF NOT EXISTS {database}.online_experiments
(
    project String,
    experiment_id String,
    model String,
    status String,
    declared_at_ms UInt64,
    definition String,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, experiment_id, src_partition, src_offset)
