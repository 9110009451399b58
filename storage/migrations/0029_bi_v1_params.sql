-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_params: one row per (run, param), params set after start included (the latest value
-- wins per key). value_number holds numbers and bools (1/0), NULL for text; value_text the text.
CREATE VIEW IF NOT EXISTS {database}.bi_v1_params
AS SELECT project, run_id, param, value_type, value_text, if(value_type = 'string', NULL, toNullable(value_number)) AS value_number, set_after_start
FROM
(
    SELECT project, run_id, param,
        argMax(value_type, order_key) AS value_type,
        argMax(value_text, order_key) AS value_text,
        argMax(value_number, order_key) AS value_number,
        max(set_after_start) AS set_after_start
    FROM
    (
        SELECT project, run_id, param, value_type, value_text, value_number, toUInt8(0) AS set_after_start, (toUInt8(0), toUInt64(0), toUInt32(0), toUInt64(0)) AS order_key
        FROM {database}.runs FINAL
        ARRAY JOIN param_keys AS param, param_types AS value_type, param_strings AS value_text, param_numbers AS value_number
        UNION ALL
        SELECT project, run_id, param, value_type, value_text, value_number, toUInt8(1) AS set_after_start, (toUInt8(1), logged_at_ms, src_partition, src_offset) AS order_key
        FROM {database}.run_param_updates
        ARRAY JOIN param_keys AS param, param_types AS value_type, param_strings AS value_text, param_numbers AS value_number
    )
    GROUP BY project, run_id, param
)
