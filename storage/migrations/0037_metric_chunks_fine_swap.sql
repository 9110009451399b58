-- The table of 0036 takes the name metric_chunks (views read it by name); the old one keeps its rows
-- for 0038. If this ran and the run stopped before recording it, migrate.ts sees the names
-- already swapped and records it.
RENAME TABLE {database}.metric_chunks TO {database}.metric_chunks_0004, {database}.metric_chunks_fine TO {database}.metric_chunks
