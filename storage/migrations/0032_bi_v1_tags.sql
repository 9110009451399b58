-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_tags: one row per (run, tag) as the API shows them: set at start or later, removals applied.
CREATE VIEW IF NOT EXISTS {database}.bi_v1_tags
AS SELECT project, run_id, tag, value
FROM
(
    SELECT project, run_id, tag, argMax(value, order_key) AS value, argMax(removed, order_key) AS removed
    FROM
    (
        SELECT project, run_id, tag, value, toUInt8(0) AS removed, (toUInt64(0), toUInt32(0), toUInt64(0)) AS order_key
        FROM {database}.runs FINAL ARRAY JOIN tag_keys AS tag, tag_values AS value
        UNION ALL
        SELECT project, run_id, tag, value, toUInt8(0) AS removed, (set_at_ms, src_partition, src_offset) AS order_key
        FROM {database}.run_tag_updates ARRAY JOIN tag_keys AS tag, tag_values AS value
        UNION ALL
        SELECT project, run_id, tag, '' AS value, toUInt8(1) AS removed, (set_at_ms, src_partition, src_offset) AS order_key
        FROM {database}.run_tag_updates ARRAY JOIN removed_keys AS tag
    )
    GROUP BY project, run_id, tag
)
WHERE removed = 0
