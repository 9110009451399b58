-- Console lines of runs (LogLines), one row per line, keyed by the line's place in its stream
-- (run, worker, stream, number): a replay, or a re-send of the same lines, collapses.
CREATE TABLE IF NOT EXISTS {database}.log_lines
(
    project String,
    run_id String,
    worker_rank Int32,
    stream String,
    seq UInt64,
    at_ms UInt64,
    level String,
    text String,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, worker_rank, stream, seq)
