-- run_tag_updates again, with 256-row granules: read by run id with the runs (see 0040).
-- The next three migrations swap the names, copy the old table's rows in and drop it. Inserts
-- reach the new table from the swap on, and until the copy ends readers see only the rows
-- written since. On 18.16 (Ordinary databases) the RENAME waits for inserts in flight, so the
-- processors may keep running (a RENAME run during a 3 s INSERT finished after it, here); on
-- current ClickHouse (Atomic databases) it does not, and an insert in flight could land in the
-- old table after the copy read it: stop the processors while these run there. The copy needs free disk of about the table's size and
-- takes time (about 10M points/s here); `runlens migrate` waits for it.
CREATE TABLE IF NOT EXISTS {database}.run_tag_updates_fine AS {database}.run_tag_updates
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
SETTINGS index_granularity = 256
