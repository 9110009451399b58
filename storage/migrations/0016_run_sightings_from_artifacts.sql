-- Sightings of the runs stored before 0013, from their artifacts (the time each was logged).
INSERT INTO {database}.run_sightings (project, run_id, first_seen_ms)
SELECT project, run_id, min(logged_at_ms) FROM {database}.artifacts GROUP BY project, run_id
