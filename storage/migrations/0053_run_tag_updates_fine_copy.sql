-- The rows of run_tag_updates into the table of 0052. Run again after a stop, it copies them twice:
-- their sort keys are equal, so ReplacingMergeTree collapses them (readers use FINAL).
INSERT INTO {database}.run_tag_updates_fine SELECT * FROM {database}.run_tag_updates
