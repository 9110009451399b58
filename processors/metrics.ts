// Prometheus metrics of the processor. One registry per Processor so tests can run several.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createProcessorMetrics() {
  const registry = new Registry();
  return {
    registry,
    eventsConsumed: new Counter({ name: 'runlens_events_consumed_total', help: 'Kafka messages decoded and stored', labelNames: ['type'], registers: [registry] }),
    pointsStored: new Counter({ name: 'runlens_points_stored_total', help: 'Metric points inserted into ClickHouse', registers: [registry] }),
    outcomesStored: new Counter({ name: 'runlens_outcomes_stored_total', help: "Online experiments' outcome records (exposures and values) stored as rollups", registers: [registry] }),
    rowsInserted: new Counter({ name: 'runlens_rows_inserted_total', help: 'Rows inserted into ClickHouse', labelNames: ['table'], registers: [registry] }),
    deadLettered: new Counter({ name: 'runlens_dead_lettered_total', help: 'Messages sent to the dead-letter topic', labelNames: ['reason'], registers: [registry] }),
    skippedStored: new Counter({ name: 'runlens_messages_skipped_already_stored_total', help: 'Messages at or below the stored high-water mark, skipped on replay', registers: [registry] }),
    insertRetries: new Counter({ name: 'runlens_insert_retries_total', help: 'ClickHouse inserts retried because storage was unavailable', registers: [registry] }),
    consumerRestarts: new Counter({ name: 'runlens_consumer_restarts_total', help: 'Consumers replaced after kafkajs stopped one for good (e.g. a long broker outage)', registers: [registry] }),
    consumerRunning: new Gauge({ name: 'runlens_consumer_running', help: '1 while a consumer runs, 0 while the processor waits to restart one', registers: [registry] }),
    crashesSinceLastCommit: new Gauge({ name: 'runlens_consumer_crashes_since_last_commit', help: 'Consumer crashes since a batch was last committed: a number that keeps rising means a failure restarts do not cure (e.g. a rejected insert)', registers: [registry] }),
    lag: new Gauge({ name: 'runlens_consumer_lag', help: 'High watermark minus the next offset to process, per partition', labelNames: ['partition'], registers: [registry] }),
    insertSeconds: new Histogram({ name: 'runlens_insert_duration_seconds', help: 'Duration of one batch insert (all tables)', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    batchMessages: new Histogram({ name: 'runlens_batch_messages', help: 'Kafka messages per processed batch', buckets: [1, 5, 10, 50, 100, 500, 1000, 5000], registers: [registry] }),
  };
}

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
