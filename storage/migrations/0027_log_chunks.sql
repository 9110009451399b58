-- Console lines of runs (LogLines), one row per event: the lines' numbers, times, levels and
-- texts as parallel arrays (a line per row cost 4.7× a metric point in the processor; a chunk
-- costs a fraction of that). Keyed by the event's origin like the other event tables (its
-- producer identity, or its Kafka position: processors/rows.ts originOf), so a replay or a
-- re-send collapses and two producers of one run (a restarted job numbering from 0 again)
-- never replace each other's lines; readers take it FINAL and join the lines out.
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
    src_partition UInt32,
    src_offset UInt64,
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
