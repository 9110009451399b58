// The model registry's audit log as stored (registry_events, 0023): every change asked of a
// project's registry, in the order Kafka gave them. Written only by the processor
// (processors/route.ts → storage/write.ts); nothing here updates or deletes. What the changes
// add up to is query-api/registry/state.ts's.
//
// Order: a project's changes are keyed by project, so they share a partition and their offsets
// order them — as long as the topic's partition count stays what it was (Kafka's own per-key
// order rests on the same premise). A replayed change has the same position: it reads twice,
// and the replay (state.ts) skips an event id it has seen.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { RegistryChanged } from '../schemas/events.ts';
import { rows } from './read.ts';
import { quoteString } from './sql-quote.ts';

export function registryChangesSql(project: string): string {
  return `SELECT change FROM registry_events WHERE project = ${quoteString(project)} ORDER BY src_partition, src_offset`;
}

/** Every change asked of the project's registry, in Kafka order. */
export async function registryChanges(ch: ClickHouseClient, project: string): Promise<RegistryChanged[]> {
  return (await rows<{ change: string }>(ch, registryChangesSql(project))).map((r) => JSON.parse(r.change) as RegistryChanged);
}

export function registryEventSeenSql(project: string, eventId: string): string {
  return `SELECT count() AS n FROM registry_events WHERE project = ${quoteString(project)} AND event_id = ${quoteString(eventId)}`;
}

/** Whether ClickHouse holds the change yet (the API waits for its own before answering). */
export async function registryEventSeen(ch: ClickHouseClient, project: string, eventId: string): Promise<boolean> {
  return Number((await rows<{ n: number }>(ch, registryEventSeenSql(project, eventId)))[0]?.n ?? 0) > 0;
}
