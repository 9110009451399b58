-- Sightings of the runs stored before 0013, from their metric chunks (the first point's wall time).
-- On upgrade, migrate after the processors run the version that writes run_sightings (as 0011
-- says), so no batch falls between this backfill and the processors' own rows.
INSERT INTO {database}.run_sightings (project, run_id, first_seen_ms)
SELECT project, run_id, min(arrayReduce('min', point_wall_times_ms)) FROM {database}.metric_chunks GROUP BY project, run_id
