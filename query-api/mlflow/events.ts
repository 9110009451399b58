// What the MLflow surface writes: runlens events, validated and encoded as every other writer
// does, sent through an EventWriter (the ingest gateway's Kafka sink, wired in cli/), and
// answered only after Kafka acknowledged them. MLflow requests carry no idempotency key and
// MLflow's clients retry failed requests, so every MetricBatch, ParamsLogged and TagsSet gets
// an identity derived from its content (producerId "mlflow-" + a digest of the event, run id
// included; sequence 0): a retried log of metrics collapses, as does a batch logged twice with
// the same keys, steps, timestamps and values — which MLflow's own store keeps once too. Params
// and tags carry the time they were set, so a retry stores them again, harmlessly: they merge
// per key, the latest winning.
import { createHash } from 'node:crypto';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import { eventKey, type EventMap, type EventType } from '../../schemas/events.ts';
import { validateEvent } from '../../schemas/validate.ts';
import { invalidParameter } from './errors.ts';

import type { EventWriter } from '../writes.ts';

export type MlflowEvent = { [K in EventType]: { type: K; value: EventMap[K] } }[EventType];

const IDENTIFIED: ReadonlySet<EventType> = new Set(['MetricBatch', 'ParamsLogged', 'TagsSet']);

/** Validates, identifies, encodes and sends events; a bad one is MLflow's INVALID_PARAMETER_VALUE and nothing is sent. */
export async function writeEvents(writer: EventWriter, catalogue: SchemaCatalogue, events: MlflowEvent[]): Promise<void> {
  const messages = events.map((e) => {
    if (IDENTIFIED.has(e.type)) Object.assign(e.value, contentIdentity(e));
    const invalid = validateEvent(e);
    if (invalid) throw invalidParameter(invalid);
    return { key: eventKey(e.value), value: catalogue.encode(e.type, e.value as never) };
  });
  if (messages.length > 0) await writer.send(messages);
}

function contentIdentity(e: MlflowEvent): { producerId: string; sequence: number } {
  const { producerId: _p, sequence: _s, ...content } = e.value as unknown as Record<string, unknown>;
  // The content names the run, so two runs' identical batches differ too.
  const digest = createHash('sha256').update(e.type).update(JSON.stringify(content)).digest('hex').slice(0, 32);
  return { producerId: `mlflow-${digest}`, sequence: 0 };
}
