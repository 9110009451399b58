-- Read-only views for BI tools (see deploy/local/clickhouse/users.xml, user runlens_bi): one
-- row per run with its status, flat and FINAL-deduplicated, so a dashboard needs no
-- knowledge of replays or parallel arrays. Per-run metric summaries are metric_summaries;
-- params one row per (run, param) are bi_params. The joined subqueries carry aliases, which
-- current ClickHouse requires and 18.16 accepts.
CREATE VIEW IF NOT EXISTS {database}.bi_runs
AS SELECT
    project, run_id, name, experiment, sweep_id, user,
    toDateTime(intDiv(started_at_ms, 1000)) AS started_at,
    if(has_finish = 1, finish_status, 'running') AS status,
    if(has_finish = 1, toDateTime(intDiv(ended_at_ms, 1000)), toDateTime(0)) AS ended_at,
    git_commit, git_dirty, data_version, env_language, env_language_version, env_hardware, seed, host, parent_run_id
FROM
(
    SELECT project, run_id, name, experiment, sweep_id, user, started_at_ms, git_commit, git_dirty, data_version,
        env_language, env_language_version, env_hardware, seed, host, parent_run_id
    FROM {database}.runs FINAL
) AS started
ANY LEFT JOIN
(
    SELECT project, run_id, status AS finish_status, ended_at_ms, 1 AS has_finish FROM {database}.run_finishes FINAL
) AS finished USING (project, run_id);
