-- Console lines of runs (LogLines), one row per event: the lines' numbers, times, levels and
-- texts as parallel arrays (a line per row cost 4.7× a metric point in the processor; a chunk
-- costs a fraction of that). Keyed by the first line's place in its stream (run, worker,
-- stream, first number), so a replay collapses; readers ARRAY JOIN the lines and keep one per
-- number, so lines re-sent in other batches count once.
CREATE TABLE IF NOT EXISTS {database}.log_chunks
(
    project String,
    run_id String,
    worker_rank Int32,
    stream String,
    first_seq UInt64,
    seqs Array(UInt64),
    ats_ms Array(UInt64),
    levels Array(String),
    texts Array(String),
    first_at_ms UInt64,
    last_at_ms UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, worker_rank, stream, first_seq)
