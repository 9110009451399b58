-- The table of 0052 takes the name run_tag_updates (views read it by name). If this ran and the run
-- stopped before recording it, migrate.ts finds the names already swapped and records it.
RENAME TABLE {database}.run_tag_updates TO {database}.run_tag_updates_0020, {database}.run_tag_updates_fine TO {database}.run_tag_updates
