-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_artifacts: every artifact logged (checkpoints and other files by reference).
CREATE VIEW IF NOT EXISTS {database}.bi_v1_artifacts
AS SELECT project, run_id, name, kind, uri, digest, size_bytes, step, toDateTime(intDiv(logged_at_ms, 1000)) AS logged_at, logged_at_ms
FROM {database}.artifacts FINAL
