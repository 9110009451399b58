-- The rows of the run_tag_updates of 0020 into the one of 0052. Run again after a stop, it copies them
-- twice: their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.run_tag_updates SELECT * FROM {database}.run_tag_updates_0020
