-- metric_chunks again, with granules of 256 rows instead of 8,192 (issue 19). A chunk row holds
-- a message's points of one series (often thousands), so an 8,192-row granule holds millions of
-- points of other series, and ClickHouse 18.16 (adaptive granularity came in 19.6) reads whole
-- granules: one run's 10,000-point history took 175 ms in a 40M-point table, 11 ms with 256-row
-- granules (measured here; 64 rows: 7 ms). The primary index grows by as much: an entry per 256
-- chunk rows. On current ClickHouse a granule is cut at 10 MB as well (index_granularity_bytes).
-- The next three migrations copy the rows in, swap the names and drop the old table; readers see
-- the whole table throughout. STOP THE PROCESSORS while they run (`runlens migrate` on upgrade):
-- rows they wrote to the old table after its copy would be dropped with it, their Kafka offsets
-- already committed. Stopped, they lose nothing: they resume from their offsets afterwards. The
-- copy needs free disk of about the table's size and takes time (about 10M points/s here);
-- `runlens migrate` waits for it, and a copy cut short is made again whole on the next run.
CREATE TABLE IF NOT EXISTS {database}.metric_chunks_fine AS {database}.metric_chunks
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, key, segment, worker_rank, src_partition, src_offset)
SETTINGS index_granularity = 256
