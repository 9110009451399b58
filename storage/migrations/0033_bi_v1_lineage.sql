-- Part of the BI contract, version 1 (0028_bi_v1_runs.sql says how the views are made; docs/bi.md
-- documents every column).
-- bi_v1_lineage: one row per (run, field) of what the run recorded to be reproduced, libraries
-- as libraries.<name>; fields a run did not record are absent.
CREATE VIEW IF NOT EXISTS {database}.bi_v1_lineage
AS SELECT project, run_id, field, value
FROM
(
    SELECT project, run_id,
        arrayConcat(['git_commit', 'git_dirty', 'data_version', 'language', 'language_version', 'hardware', 'seed', 'host', 'parent_run_id'], arrayMap(n -> concat('libraries.', n), env_library_names)) AS fields,
        arrayConcat([git_commit, toString(git_dirty), data_version, env_language, env_language_version, env_hardware, if(isNull(seed), '', toString(assumeNotNull(seed))), host, parent_run_id], env_library_versions) AS values
    FROM {database}.runs FINAL
)
ARRAY JOIN fields AS field, values AS value
WHERE value != ''
