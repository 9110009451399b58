-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_metric_points: every point, with a DateTime for time-series tools; filter on project,
-- run_id and metric (the sort key's columns) so only those series are read.
CREATE VIEW IF NOT EXISTS {database}.bi_v1_metric_points
AS SELECT project, run_id, metric, segment, worker_rank, step, toDateTime(intDiv(time_ms, 1000)) AS time, time_ms, value
FROM
(
    SELECT project, run_id, key AS metric, nullIf(segment, '') AS segment, if(worker_rank < 0, NULL, toNullable(worker_rank)) AS worker_rank, point_steps, point_values, point_wall_times_ms
    FROM {database}.metric_chunks FINAL
)
ARRAY JOIN point_steps AS step, point_values AS value, point_wall_times_ms AS time_ms
