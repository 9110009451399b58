-- Generated outputs runs log (SamplesLogged), one row per sample: keyed by (name, input id) so
-- the same input across runs sits together, and by the event's source so a replay collapses.
CREATE TABLE IF NOT EXISTS {database}.samples
(
    project String,
    run_id String,
    name String,
    step Int64,
    input_id String,
    text String,
    has_text UInt8,
    uri String,
    digest String,
    score_keys Array(String),
    score_values Array(Float64),
    logged_at_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, name, input_id, run_id, step, src_partition, src_offset)
