-- The per-run summary rollup. Why this design: sums and counts kept as AggregatingMergeTree
-- states would double-count whenever a Kafka range is replayed (a crash between insert and
-- commit, a rebalance), and 18.16 has no insert deduplication without ZooKeeper. So the rollup
-- keeps one small row of statistics per chunk, keyed by the chunk's source partition and offset
-- like metric_chunks, and a summary is the aggregate of those rows read with FINAL: replays
-- collapse, and min/max/last/steps/count/mean are exact before and after merges. The sort key
-- starts with (project, key, segment) so "this metric for every run of a sweep" — the cross-run
-- sort and compare — is one contiguous range that never touches the point arrays.
CREATE TABLE IF NOT EXISTS {database}.metric_chunk_stats
(
    project String,
    key String,
    segment String,
    run_id String,
    worker_rank Int32,
    src_partition UInt32,
    src_offset UInt64,
    point_count UInt32,
    value_sum Float64,
    value_min Float64,
    value_max Float64,
    step_of_min UInt64,
    step_of_max UInt64,
    last_step UInt64,
    last_value Float64,
    last_wall_time_ms UInt64
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, key, segment, run_id, worker_rank, src_partition, src_offset);
