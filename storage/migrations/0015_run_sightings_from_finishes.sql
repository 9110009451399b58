-- Sightings of the runs stored before 0013, from their RunFinished (its end time).
INSERT INTO {database}.run_sightings (project, run_id, first_seen_ms)
SELECT project, run_id, min(ended_at_ms) FROM {database}.run_finishes GROUP BY project, run_id
