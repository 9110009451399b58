-- The BI contract, version 1 (docs/bi.md documents every column): flat views, FINAL-deduplicated,
-- NULL where a value does not exist, names without clashes with SQL words. Changes to a view's
-- columns make a bi_v2_* view; bi_v1_* stay as they are. Every view has `project` first, so a
-- per-project BI user's row filter applies to each. The joined subqueries carry aliases, which
-- current ClickHouse requires and 18.16 accepts; one JOIN per SELECT, as 18.16 allows.
--
-- bi_v1_runs: status as the API shows it — the RunFinished status, else `running` while the
-- run was seen in the last 300 s (its start, points, artifacts, params or heartbeat), else
-- `crashed` (RUNLENS_CRASH_AFTER_S's default; a view takes no parameter). `deleted` is 1 for a
-- run deleted through MLflow's runs/delete (filter it out as the API's lists do).
CREATE VIEW IF NOT EXISTS {database}.bi_v1_runs
AS SELECT
    project, run_id, name, experiment, nullIf(sweep_id, '') AS sweep_id, user,
    toDateTime(intDiv(started_at_ms, 1000)) AS started_at, started_at_ms,
    multiIf(has_finish = 1, finish_status, greatest(started_at_ms, last_seen_ms) >= toUInt64(toUnixTimestamp(now())) * 1000 - 300000, 'running', 'crashed') AS status,
    if(has_finish = 1, toNullable(toDateTime(intDiv(ended_at_ms, 1000))), NULL) AS ended_at,
    if(has_finish = 1, toNullable(ended_at_ms), NULL) AS ended_at_ms,
    if(has_finish = 1, duration_ms, NULL) AS duration_ms,
    deleted,
    nullIf(git_commit, '') AS git_commit, git_dirty, nullIf(data_version, '') AS data_version,
    env_language AS language, nullIf(env_language_version, '') AS language_version, nullIf(env_hardware, '') AS hardware,
    seed, nullIf(host, '') AS host, nullIf(parent_run_id, '') AS parent_run_id
FROM
(
    SELECT * FROM
    (
        SELECT * FROM
        (
            SELECT project, run_id, name, experiment, sweep_id, user, started_at_ms, git_commit, git_dirty, data_version,
                env_language, env_language_version, env_hardware, seed, host, parent_run_id
            FROM {database}.runs FINAL
        ) AS started
        ANY LEFT JOIN
        (
            SELECT project, run_id, status AS finish_status, ended_at_ms, duration_ms, 1 AS has_finish FROM {database}.run_finishes FINAL
        ) AS finished USING (project, run_id)
    ) AS with_finish
    ANY LEFT JOIN
    (
        SELECT project, run_id, max(last_seen_ms) AS last_seen_ms FROM {database}.run_liveness GROUP BY project, run_id
    ) AS seen USING (project, run_id)
) AS with_seen
ANY LEFT JOIN
(
    SELECT project, run_id, toUInt8(argMax(lifecycle_stage, (src_partition, src_offset)) = 'deleted') AS deleted
    FROM {database}.run_lifecycle GROUP BY project, run_id
) AS lifecycle USING (project, run_id)
