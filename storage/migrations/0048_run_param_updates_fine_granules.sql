-- run_param_updates again, with 256-row granules: read by run id with the runs (see 0040);
-- every param of an MLflow run is here.
-- The next three migrations copy the rows in, swap the names and drop the old table; readers see
-- the whole table throughout. STOP THE PROCESSORS while they run (`runlens migrate` on upgrade):
-- rows they wrote to the old table after its copy would be dropped with it, their Kafka offsets
-- already committed. Stopped, they lose nothing: they resume from their offsets afterwards. The
-- copy needs free disk of about the table's size and takes time (about 10M points/s here);
-- `runlens migrate` waits for it, and a copy cut short is made again whole on the next run.
CREATE TABLE IF NOT EXISTS {database}.run_param_updates_fine AS {database}.run_param_updates
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, src_partition, src_offset)
SETTINGS index_granularity = 256
