-- Every run id the processor has seen an event of other than RunStarted (points, an artifact, a
-- RunFinished), with the earliest time seen in that batch: one small row per run per batch,
-- written by the processor with the batch's other rows. It lets the run source find orphaned
-- runs (events under an id whose RunStarted never came) by reading one row per run instead of
-- every chunk. Keyed by run alone: replays and later batches collapse in merges, and readers
-- take min(first_seen_ms) per run, right before merges too.
CREATE TABLE IF NOT EXISTS {database}.run_sightings
(
    project String,
    run_id String,
    first_seen_ms UInt64
)
ENGINE = ReplacingMergeTree()
ORDER BY (project, run_id)
