-- The table of 0044 takes the name run_finishes (views read it by name). If this ran and the run
-- stopped before recording it, migrate.ts finds the names already swapped and records it.
RENAME TABLE {database}.run_finishes TO {database}.run_finishes_0002, {database}.run_finishes_fine TO {database}.run_finishes
