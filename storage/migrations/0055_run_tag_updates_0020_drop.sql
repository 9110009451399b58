-- The run_tag_updates of 0020, copied by 0053 and replaced by 0054.
DROP TABLE IF EXISTS {database}.run_tag_updates_0020
