-- RunFinished, one row per run after merges (latest source offset wins).
CREATE TABLE IF NOT EXISTS {database}.run_finishes
(
    project String,
    run_id String,
    status String,
    ended_at_ms UInt64,
    duration_ms Nullable(UInt64),
    summary_keys Array(String),
    summary_values Array(Float64),
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (project, run_id);
