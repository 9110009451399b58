-- One row per run, from RunStarted. ReplacingMergeTree keyed by run: a replayed or re-sent
-- RunStarted collapses into one row (read with FINAL); the highest source offset wins.
-- Params are three parallel arrays so any param can be read by name without a schema change:
-- param_numbers holds the number (or 1/0 for bools) and nan for strings.
CREATE TABLE IF NOT EXISTS {database}.runs
(
    project String,
    run_id String,
    experiment String,
    sweep_id String,
    name String,
    user String,
    started_at_ms UInt64,
    param_keys Array(String),
    param_types Array(String),
    param_strings Array(String),
    param_numbers Array(Float64),
    tag_keys Array(String),
    tag_values Array(String),
    git_commit String,
    git_dirty UInt8,
    data_version String,
    env_language String,
    env_language_version String,
    env_library_names Array(String),
    env_library_versions Array(String),
    env_hardware String,
    seed Nullable(Int64),
    host String,
    parent_run_id String,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (project, run_id);
