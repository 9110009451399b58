-- The rows of runs into the table of 0040. Run again after a stop, it copies them twice:
-- their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.runs_fine SELECT * FROM {database}.runs
