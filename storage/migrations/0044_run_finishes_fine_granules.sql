-- run_finishes again (one row per RunFinished, read with the runs),
-- with granules of 256 rows instead of 8,192, as
-- metric_chunks in 0036 (issue 19). A page of the run list reads 50 runs by id: scattered over
-- 100,000 runs, each id fell in a different 8,192-row granule, and the read took every column of
-- the whole table (140 ms for 50 runs here; 45 ms with 256-row granules, the run list included).
-- The next three migrations copy the rows, swap the names and drop the old table; as with every
-- migration, run them with the processors stopped.
CREATE TABLE IF NOT EXISTS {database}.run_finishes_fine AS {database}.run_finishes
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (project, run_id)
SETTINGS index_granularity = 256
