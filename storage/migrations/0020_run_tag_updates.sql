-- Tags set or removed after a run started (TagsSet: MLflow's set-tag and delete-tag), one row
-- per event. The run source merges them into the run's tags: per key, the latest set_at_ms
-- (then the later origin) decides whether the tag holds a value or is gone. Keyed by the
-- event's origin like the other event tables, so a replay or a re-send collapses.
CREATE TABLE IF NOT EXISTS {database}.run_tag_updates
(
    project String,
    run_id String,
    set_at_ms UInt64,
    tag_keys Array(String),
    tag_values Array(String),
    removed_keys Array(String),
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
