-- The last sign of life of each run: the latest event time (points, an artifact, params, a
-- RunHeartbeat) per run per batch, written by the processor with the batch's other rows. A run
-- with no RunFinished whose start and last sign of life are older than the API's crash silence
-- (RUNLENS_CRASH_AFTER_S) is shown as crashed. Versioned by the time itself: merges keep the
-- latest, and readers take max(last_seen_ms), right before merges too. Event times are the
-- sender's clock.
CREATE TABLE IF NOT EXISTS {database}.run_liveness
(
    project String,
    run_id String,
    last_seen_ms UInt64
)
ENGINE = ReplacingMergeTree(last_seen_ms)
ORDER BY (project, run_id)
