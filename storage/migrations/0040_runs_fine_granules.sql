-- runs again, with granules of 256 rows instead of 8,192, as metric_chunks in 0036 (issue 19).
-- A page of the run list reads 50 runs by id: scattered over 100,000 runs, each id fell in a
-- different 8,192-row granule and the read took every column of the whole table (140 ms for 50
-- runs here; 45 ms with 256-row granules).
-- The next three migrations copy the rows in, swap the names and drop the old table; readers see
-- the whole table throughout. STOP THE PROCESSORS while they run (`runlens migrate` on upgrade):
-- rows they wrote to the old table after its copy would be dropped with it, their Kafka offsets
-- already committed. Stopped, they lose nothing: they resume from their offsets afterwards. The
-- copy needs free disk of about the table's size and takes time (about 10M points/s here);
-- `runlens migrate` waits for it, and a copy cut short is made again whole on the next run.
CREATE TABLE IF NOT EXISTS {database}.runs_fine AS {database}.runs
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (project, run_id)
SETTINGS index_granularity = 256
