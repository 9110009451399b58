-- bi_v1_metric_points_lod: the points of bi_v1_metric_points downsampled to aligned buckets of
-- 64 steps (steps 0–63, 64–127, …: the level of detail the processor stores with every chunk,
-- metric_chunks' lod_* columns, LOD_STEPS in storage/tables.ts). One row per (run, metric,
-- segment, rank, bucket) with its step range, point count, mean, min and max: up to 64 times
-- fewer rows than the points, read from the small lod_* columns only. Steps, not time: the
-- buckets keep no wall time (for a time axis use bi_v1_metric_points). Grouped on the stored
-- columns, then NULLs as the other views give them (segment, rank).
CREATE VIEW IF NOT EXISTS {database}.bi_v1_metric_points_lod
AS SELECT project, run_id, metric, nullIf(raw_segment, '') AS segment, if(raw_rank < 0, NULL, toNullable(raw_rank)) AS worker_rank,
    step_from, step_to, points, mean_value, min_value, max_value
FROM
(
    SELECT project, run_id, key AS metric, segment AS raw_segment, worker_rank AS raw_rank,
        toUInt64(bucket) * 64 AS step_from, toUInt64(bucket) * 64 + 63 AS step_to,
        sum(bucket_count) AS points, sum(bucket_sum) / sum(bucket_count) AS mean_value,
        min(bucket_min) AS min_value, max(bucket_max) AS max_value
    FROM
    (
        SELECT project, run_id, key, segment, worker_rank, lod_bucket, lod_count, lod_sum, lod_min, lod_max
        FROM {database}.metric_chunks FINAL
    )
    ARRAY JOIN lod_bucket AS bucket, lod_count AS bucket_count, lod_sum AS bucket_sum, lod_min AS bucket_min, lod_max AS bucket_max
    GROUP BY project, run_id, key, segment, worker_rank, bucket
)
