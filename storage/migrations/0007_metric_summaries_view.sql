-- Per run × metric × segment summaries for BI tools and ad-hoc SQL. The API inlines the same
-- aggregation with its filters pushed into the inner query (18.16 does not push predicates
-- through views). Aliases differ from column names: in ClickHouse an alias equal to a column
-- name shadows that column inside the other aggregates.
CREATE VIEW IF NOT EXISTS {database}.metric_summaries
AS SELECT
    project, run_id, key, segment,
    sum(point_count) AS count,
    sum(value_sum) / sum(point_count) AS mean,
    min(value_min) AS min,
    max(value_max) AS max,
    argMin(step_of_min, value_min) AS min_step,
    argMax(step_of_max, value_max) AS max_step,
    argMax(last_value, (last_step, last_wall_time_ms)) AS last,
    max(last_step) AS latest_step
FROM {database}.metric_chunk_stats FINAL
GROUP BY project, run_id, key, segment;
