-- One row per Kafka batch whose rows and dead letters are all durably stored, written after
-- them and before the offset commit. On partition assignment the processor resumes after the
-- highest last_offset here. Reading the data tables' own max(src_offset) instead would be
-- wrong: a batch writes several tables concurrently, and a crash between those inserts leaves
-- a high offset in one table and a gap in another, which a skip would make permanent.
-- Versioned by last_offset under a (topic, partition) key, so merges keep one row per
-- partition; max(last_offset) is right before merges too.
CREATE TABLE IF NOT EXISTS {database}.processed_batches
(
    topic String,
    src_partition UInt32,
    first_offset UInt64,
    last_offset UInt64,
    processed_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(last_offset)
ORDER BY (topic, src_partition)
