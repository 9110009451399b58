-- metric_chunk_stats is now written by the processor in its own INSERT instead of by the
-- materialized view of migration 0006. Why: a materialized view is not atomic with its source
-- insert, and ClickHouse 18.16 detaches tables one by one while it shuts down, still answering
-- HTTP. An insert that arrived in that window was stored in metric_chunks, skipped the already
-- detached view, and reported success — the chunk was never retried and its summary stayed
-- short (seen in the ClickHouse-outage fault test). As two plain inserts of one batch, a failure
-- of either fails the batch, which is retried as a whole; replays collapse on the source-offset
-- keys. Deploy with a processor that writes both tables (runlens ≥ this migration).
DROP TABLE IF EXISTS {database}.metric_chunk_stats_mv
