// The API's own writes (the MLflow surface, the model registry, saved evidence): events sent
// through an EventWriter — the ingest gateway's Kafka sink, wired in cli/ — validated and encoded
// as every writer does. `sendAndWait` is the registry's and the evidence's way: one event, then
// wait until ClickHouse holds it (the processor stored it), since their answers read it back.
import { badRequest, serviceUnavailable } from '../common/http/errors.ts';
import type { SchemaCatalogue } from '../schemas/catalogue.ts';
import { eventKey, type EventMap, type EventType } from '../schemas/events.ts';
import { validateEvent } from '../schemas/validate.ts';

/** Where encoded events go; resolves once Kafka acknowledged every message (acks=-1). */
export interface EventWriter {
  send(messages: { key: string; value: Buffer }[]): Promise<void>;
}

/** How long a write waits for ClickHouse to hold its event before answering 503 (the event may still land). */
export const VISIBLE_WITHIN_MS = 15_000;
const POLL_MS = 50;
/** The largest event the API sends (the gateway's producer takes 4 MiB a request). */
export const MAX_EVENT_BYTES = 3 * 1024 * 1024;

/**
 * Validates (400), encodes and sends one event, then polls `stored` until it says the event is
 * in ClickHouse and returns what it found; a 503 when Kafka refuses or the event does not show
 * within VISIBLE_WITHIN_MS (is the processor running?).
 */
export async function sendAndWait<K extends EventType, T>(
  writer: EventWriter,
  catalogue: SchemaCatalogue,
  type: K,
  event: EventMap[K],
  stored: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const invalid = validateEvent({ type, value: event } as never);
  if (invalid) throw badRequest(invalid);
  const value = catalogue.encode(type, event);
  if (value.length > MAX_EVENT_BYTES) throw badRequest(`the ${what} is ${value.length.toLocaleString('en-US')} bytes encoded, more than ${MAX_EVENT_BYTES.toLocaleString('en-US')}: make it smaller`);
  try {
    await writer.send([{ key: eventKey(event), value }]);
  } catch (err) {
    throw serviceUnavailable(`Kafka did not take the ${what}: ${(err as Error).message}; nothing changed, retry`);
  }
  const deadline = Date.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    const found = await stored();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw serviceUnavailable(`the ${what} was sent but is not stored yet (is the processor running?); read it again before retrying`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
