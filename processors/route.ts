// Decode → validate → rows, for one Kafka batch. Each message gets exactly one outcome: rows
// for ClickHouse or a reasoned rejection for the dead-letter topic. Never throws on bad input.
import type { SchemaCatalogue } from '../schemas/catalogue.ts';
import { validateEvent } from '../schemas/validate.ts';
import type { Rejection } from './dead-letter.ts';
import { emptyTableRows, type TableRows } from '../storage/tables.ts';
import { onlineExperimentRow, outcomeRows, unitRows } from './online-rows.ts';
import { artifactRow, chunkRows, earliest, experimentRow, finishRow, latest, lifecycleRow, Liveness, originOf, paramUpdateRow, evidenceRow, logChunkRow, registryRow, sampleRows, tableRow, runRow, Sightings, tagUpdateRow } from './rows.ts';

export interface InputMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface RoutedBatch {
  rows: TableRows;
  rejections: Rejection[];
  events: number;
  eventsByType: Partial<Record<string, number>>;
  points: number;
  /** Online experiments' outcome records (exposures and values). */
  outcomes: number;
}

export function routeBatch(catalogue: SchemaCatalogue, topic: string, partition: number, messages: InputMessage[]): RoutedBatch {
  const rows = emptyTableRows();
  const rejections: Rejection[] = [];
  let events = 0;
  let points = 0;
  let outcomes = 0;
  const eventsByType: Partial<Record<string, number>> = {};
  const sightings = new Sightings();
  const liveness = new Liveness();
  // An event of a run other than its start or end: the run is sighted (orphans) and alive (crashed runs).
  const active = (e: { project: string; runId: string }, first: number, last = first) => {
    sightings.note(e.project, e.runId, first);
    liveness.note(e.project, e.runId, last);
  };
  for (const m of messages) {
    const reject = (reason: string, detail: string) =>
      rejections.push({ reason, detail, topic, partition, offset: m.offset, key: m.key, value: m.value });
    const decoded = catalogue.decode(m.value);
    if (!decoded.ok) {
      reject(decoded.reason, decoded.detail);
      continue;
    }
    const invalid = validateEvent(decoded.event);
    if (invalid) {
      reject('invalid', invalid);
      continue;
    }
    const src = { partition, offset: Number(m.offset) };
    const event = decoded.event;
    events++;
    eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
    switch (event.type) {
      case 'RunStarted':
        rows.runs.push(runRow(event.value, src));
        break;
      case 'RunFinished':
        rows.run_finishes.push(finishRow(event.value, src));
        sightings.note(event.value.project, event.value.runId, event.value.endedAt);
        break;
      case 'ArtifactLogged':
        rows.artifacts.push(artifactRow(event.value, originOf(event.value, src)));
        active(event.value, event.value.loggedAt);
        break;
      case 'MetricBatch':
        points += event.value.steps.length;
        chunkRows(event.value, originOf(event.value, src), rows);
        active(event.value, earliest(event.value.wallTimes), latest(event.value.wallTimes));
        break;
      case 'ParamsLogged':
        rows.run_param_updates.push(paramUpdateRow(event.value, originOf(event.value, src)));
        active(event.value, event.value.loggedAt);
        break;
      case 'TagsSet':
        rows.run_tag_updates.push(tagUpdateRow(event.value, originOf(event.value, src)));
        active(event.value, event.value.setAt);
        break;
      case 'ExperimentDeclared':
        rows.experiments.push(experimentRow(event.value, src));
        break;
      case 'RunLifecycleSet':
        // Deleting or restoring a run is no sign of its process: neither sighting nor liveness.
        rows.run_lifecycle.push(lifecycleRow(event.value, src));
        break;
      case 'RegistryChanged':
        // A registry change concerns no run's process either; its Kafka position orders it.
        rows.registry_events.push(registryRow(event.value, src));
        break;
      case 'EvidenceSaved':
        rows.evidence.push(evidenceRow(event.value, src));
        break;
      case 'TableLogged':
        rows.artifact_tables.push(tableRow(event.value, originOf(event.value, src)));
        active(event.value, event.value.loggedAt);
        break;
      case 'SamplesLogged':
        rows.samples.push(...sampleRows(event.value, originOf(event.value, src)));
        active(event.value, event.value.loggedAt);
        break;
      case 'LogLines': {
        const chunk = logChunkRow(event.value, originOf(event.value, src));
        rows.log_chunks.push(chunk);
        active(event.value, chunk.first_at_ms, chunk.last_at_ms);
        break;
      }
      case 'OutcomeBatch': {
        // Outcomes of a deployed model: no run's process, so neither sighting nor liveness.
        outcomes += event.value.unitIds.length;
        const origin = originOf(event.value, src);
        rows.online_outcome_sums.push(...outcomeRows(event.value, origin));
        rows.online_unit_sums.push(...unitRows(event.value, origin));
        break;
      }
      case 'OnlineExperimentDeclared':
        rows.online_experiments.push(onlineExperimentRow(event.value, src));
        break;
      case 'RunHeartbeat':
        // A heartbeat alone does not make a run appear (it is no sighting): it only keeps a run alive.
        liveness.note(event.value.project, event.value.runId, event.value.at);
        break;
    }
  }
  rows.run_sightings = sightings.rows();
  rows.run_liveness = liveness.rows();
  return { rows, rejections, events, eventsByType, points, outcomes };
}
