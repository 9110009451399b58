-- Answers of the query API saved as evidence (EvidenceSaved): request and answer as JSON, who
-- saved it and when, the runs involved and a content hash. Immutable: one row per evidence id
-- (a replay collapses), never updated or deleted by runlens; model registry changes cite them.
CREATE TABLE IF NOT EXISTS {database}.evidence
(
    project String,
    evidence_id String,
    kind String,
    request String,
    answer String,
    summary String,
    run_ids Array(String),
    content_hash String,
    note String,
    actor String,
    at_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, evidence_id)
