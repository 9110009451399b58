-- The rows of the metric_chunks of 0004 into the one of 0036. Run again after a stop, it copies them
-- twice: their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.metric_chunks SELECT * FROM {database}.metric_chunks_0004
