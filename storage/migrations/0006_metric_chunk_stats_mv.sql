-- Feeds metric_chunk_stats from every insert into metric_chunks.
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.metric_chunk_stats_mv
TO {database}.metric_chunk_stats
AS SELECT
    project, key, segment, run_id, worker_rank, src_partition, src_offset,
    point_count, value_sum, value_min, value_max, step_of_min, step_of_max,
    last_step, last_value, last_wall_time_ms
FROM {database}.metric_chunks;
