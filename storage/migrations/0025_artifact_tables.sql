-- Small tables runs log to compare (TableLogged): confusion matrices, PR and ROC curves,
-- per-class metrics and generic tables, one row per table as logged. Keyed by the event's
-- source (its Kafka position, or its producer identity), so a replay collapses; a table logged
-- again under the same name and step is a new row, and readers take the latest source.
CREATE TABLE IF NOT EXISTS {database}.artifact_tables
(
    project String,
    run_id String,
    name String,
    kind String,
    step Int64,
    logged_at_ms UInt64,
    labels Array(String),
    columns Array(String),
    values Array(Float64),
    cells Array(String),
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, name, run_id, step, src_partition, src_offset)
