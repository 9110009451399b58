-- Params one row per (run, param) for BI tools: value_number holds numbers and bools (1/0),
-- value_string the text form of every value.
CREATE VIEW IF NOT EXISTS {database}.bi_params
AS SELECT project, run_id, key, type, value_string, value_number
FROM {database}.runs FINAL
ARRAY JOIN param_keys AS key, param_types AS type, param_strings AS value_string, param_numbers AS value_number;
