-- The run_param_updates of 0017, copied by 0049 and replaced by 0050.
DROP TABLE IF EXISTS {database}.run_param_updates_0017
