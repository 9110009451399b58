-- metric_chunks again, with granules of 256 rows instead of 8,192 (issue 19). A chunk row holds
-- a message's points of one series (often thousands), so an 8,192-row granule holds millions of
-- points of other series, and ClickHouse 18.16 (adaptive granularity came in 19.6) reads whole
-- granules: one run's 10,000-point history took 175 ms in a 40M-point table, 11 ms with 256-row
-- granules (measured here; 64 rows: 7 ms). The primary index grows by as much: an entry per 256
-- chunk rows. On current ClickHouse a granule is cut at 10 MB as well (index_granularity_bytes).
-- The next three migrations swap the names, copy the old table's rows in and drop it. Inserts
-- reach the new table from the swap on, and until the copy ends readers see only the rows
-- written since. On 18.16 (Ordinary databases) the RENAME waits for inserts in flight, so the
-- processors may keep running (a RENAME run during a 3 s INSERT finished after it, here); on
-- current ClickHouse (Atomic databases) it does not, and an insert in flight could land in the
-- old table after the copy read it: stop the processors while these run there. The copy needs free disk of about the table's size and
-- takes time (about 10M points/s here); `runlens migrate` waits for it.
CREATE TABLE IF NOT EXISTS {database}.metric_chunks_fine
(
    project String,
    run_id String,
    key String,
    segment String,
    worker_rank Int32,
    src_partition UInt32,
    src_offset UInt64,
    point_count UInt32,
    value_sum Float64,
    value_min Float64,
    value_max Float64,
    step_of_min UInt64,
    step_of_max UInt64,
    first_step UInt64,
    last_step UInt64,
    last_value Float64,
    last_wall_time_ms UInt64,
    point_steps Array(UInt64),
    point_values Array(Float64),
    point_wall_times_ms Array(UInt64),
    lod_bucket Array(UInt64),
    lod_count Array(UInt32),
    lod_sum Array(Float64),
    lod_min Array(Float64),
    lod_max Array(Float64),
    ingested_at DateTime DEFAULT now()
)ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id, key, segment, worker_rank, src_partition, src_offset)
SETTINGS index_granularity = 256
