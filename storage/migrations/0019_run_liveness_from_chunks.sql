-- Liveness of the runs stored before 0018, from their last metric point (runs without points are
-- judged by their start time, which the run source reads from runs itself). Migrate after the
-- processors run the version that writes run_liveness, as 0011 says.
INSERT INTO {database}.run_liveness (project, run_id, last_seen_ms)
SELECT project, run_id, max(last_wall_time_ms) FROM {database}.metric_chunk_stats GROUP BY project, run_id
