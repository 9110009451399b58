-- Online experiments' outcomes as rollups (OutcomeBatch): the processor sums each message's
-- records per (metric, variant, 10-second bucket) — count, sum, sum of squares, the covariate's
-- sums for CUPED, and a log-scale histogram for quantiles — so every analysis reads small rows,
-- never the raw outcomes (500k a second would be 43 billion rows a day). Exposures are the rows
-- with metric ''. The sort key ends in the message's origin (its Kafka position, or the batch's
-- identity), so a replayed range or a re-sent batch collapses: readers use FINAL before summing.
CREATE TABLE IF NOT EXISTS {database}.online_outcome_sums
(
    project String,
    experiment_id String,
    metric String,
    variant String,
    bucket_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    n UInt64,
    value_sum Float64,
    value_sum_sq Float64,
    covariate_n UInt64,
    covariate_sum Float64,
    covariate_sum_sq Float64,
    cross_sum Float64,
    value_min Float64,
    value_max Float64,
    hist_bins Array(Int64),
    hist_counts Array(UInt64),
    ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, experiment_id, metric, variant, bucket_ms, src_partition, src_offset)
