-- The rows of metric_chunks into the table of 0036. Run again after a stop, it copies them twice:
-- their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.metric_chunks_fine SELECT * FROM {database}.metric_chunks
