-- The table of 0048 takes the name run_param_updates (views read it by name). If this ran and the run
-- stopped before recording it, migrate.ts finds the names already swapped and records it.
RENAME TABLE {database}.run_param_updates TO {database}.run_param_updates_0017, {database}.run_param_updates_fine TO {database}.run_param_updates
