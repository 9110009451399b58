-- Params set after a run started (ParamsLogged: run.config.update in the SDKs), one row per
-- event, the params as runs (0001) holds them: parallel key/type/string/number arrays. The run
-- source merges them into the run's params, per key the latest logged_at_ms winning (then the
-- later origin). Keyed by the event's origin like the other event tables (its Kafka position,
-- or its producer identity: see processors/rows.ts), so a replay or a re-send collapses.
CREATE TABLE IF NOT EXISTS {database}.run_param_updates
(
    project String,
    run_id String,
    logged_at_ms UInt64,
    step Nullable(UInt64),
    param_keys Array(String),
    param_types Array(String),
    param_strings Array(String),
    param_numbers Array(Float64),
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
