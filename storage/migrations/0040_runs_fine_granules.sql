-- runs again, with granules of 256 rows instead of 8,192, as metric_chunks in 0036 (issue 19).
-- A page of the run list reads 50 runs by id: scattered over 100,000 runs, each id fell in a
-- different 8,192-row granule and the read took every column of the whole table (140 ms for 50
-- runs here; 45 ms with 256-row granules).
-- The next three migrations swap the names, copy the old table's rows in and drop it. Inserts
-- reach the new table from the swap on, and until the copy ends readers see only the rows
-- written since. On 18.16 (Ordinary databases) the RENAME waits for inserts in flight, so the
-- processors may keep running (a RENAME run during a 3 s INSERT finished after it, here); on
-- current ClickHouse (Atomic databases) it does not, and an insert in flight could land in the
-- old table after the copy read it: stop the processors while these run there. The copy needs free disk of about the table's size and
-- takes time (about 10M points/s here); `runlens migrate` waits for it.
CREATE TABLE IF NOT EXISTS {database}.runs_fine AS {database}.runs
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (project, run_id)
SETTINGS index_granularity = 256
