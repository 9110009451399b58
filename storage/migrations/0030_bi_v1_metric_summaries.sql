-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_metric_summaries: one row per (run, metric, segment); segment NULL for the unsegmented series.
-- Output names differ from the rollup's columns: an alias equal to a column would shadow it.
CREATE VIEW IF NOT EXISTS {database}.bi_v1_metric_summaries
AS SELECT
    project, run_id, key AS metric, nullIf(segment, '') AS segment,
    sum(point_count) AS points,
    sum(value_sum) / sum(point_count) AS mean_value,
    min(value_min) AS min_value,
    max(value_max) AS max_value,
    argMin(step_of_min, value_min) AS min_step,
    argMax(step_of_max, value_max) AS max_step,
    argMax(last_value, (last_step, last_wall_time_ms)) AS latest_value,
    max(last_step) AS latest_step
FROM {database}.metric_chunk_stats FINAL
GROUP BY project, run_id, key, segment
