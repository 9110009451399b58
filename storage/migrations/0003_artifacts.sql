-- ArtifactLogged. Keyed by source offset so a replayed message collapses; the same artifact
-- name logged at several steps (checkpoints) keeps every version.
CREATE TABLE IF NOT EXISTS {database}.artifacts
(
    project String,
    run_id String,
    name String,
    kind String,
    uri String,
    digest String,
    size_bytes UInt64,
    step Nullable(UInt64),
    logged_at_ms UInt64,
    meta_keys Array(String),
    meta_values Array(String),
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, name, src_partition, src_offset);
