-- The rows of the run_finishes of 0002 into the one of 0044. Run again after a stop, it copies them
-- twice: their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.run_finishes SELECT * FROM {database}.run_finishes_0002
