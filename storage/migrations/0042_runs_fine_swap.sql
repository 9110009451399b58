-- The table of 0040 takes the name runs (views read it by name). If this ran and the run
-- stopped before recording it, migrate.ts finds the names already swapped and records it.
RENAME TABLE {database}.runs TO {database}.runs_0001, {database}.runs_fine TO {database}.runs
