-- The table of 0036 takes the name metric_chunks (views read it by name). If this ran and the run
-- stopped before recording it, migrate.ts finds the names already swapped and records it.
RENAME TABLE {database}.metric_chunks TO {database}.metric_chunks_0004, {database}.metric_chunks_fine TO {database}.metric_chunks
