-- Online experiments' records kept per unit (the processor sums each message's records per
-- (metric, variant, unit, 10-second bucket)):
-- * exposures (metric ''): the distinct units each variant was shown to, however often each was
--   logged — what the sample-ratio check counts; readers take uniqExact(unit_id), which a replay
--   cannot change;
-- * records of ratio metrics (flagged in metricsPerUnit): the unit is a user and the records its
--   requests, so the requests of one user are not independent; readers add a unit's rows up
--   (FINAL first: a replay collapses on the message's origin) and compare variants by the delta
--   method over units.
CREATE TABLE IF NOT EXISTS {database}.online_unit_sums
(
    project String,
    experiment_id String,
    metric String,
    variant String,
    unit_id String,
    bucket_ms UInt64,
    src_partition UInt32,
    src_offset UInt64,
    n UInt64,
    value_sum Float64
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, experiment_id, metric, variant, unit_id, bucket_ms, src_partition, src_offset)
