-- The rows of run_finishes into the table of 0044. Run again after a stop, it copies them twice:
-- their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.run_finishes_fine SELECT * FROM {database}.run_finishes
