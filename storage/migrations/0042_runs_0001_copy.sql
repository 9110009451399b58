-- The rows of the runs of 0001 into the one of 0040. Run again after a stop, it copies them
-- twice: their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.runs SELECT * FROM {database}.runs_0001
