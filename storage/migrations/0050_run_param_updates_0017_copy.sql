-- The rows of the run_param_updates of 0017 into the one of 0048. Run again after a stop, it copies them
-- twice: their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.run_param_updates SELECT * FROM {database}.run_param_updates_0017
