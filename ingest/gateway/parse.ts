// Turns an ingest-gateway request body into Kafka messages, or into the one reason the whole
// request is refused. Pure: no I/O, so the gateway can check every event before producing any.
// Accepts JSON ({type, event} or an array of them) and Avro single-object bodies (exactly the
// bytes a Kafka message would carry). Must never accept an event of another project than the
// caller's token, or an event the processors would dead-letter. Never accepts text it would
// store altered: JSON bodies must be valid UTF-8 (json.ts), Avro strings too (the catalogue),
// and every string well-formed Unicode (the validation); the 400 names the field.
import type { Type as AvroType } from 'avsc';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import { EVENT_TYPES, eventKey, type AnyEvent, type EventType } from '../../schemas/events.ts';
import { formatPath, findStrings, type Segment } from '../../schemas/text.ts';
import { checkStrings, validateEvent } from '../../schemas/validate.ts';
import { parseJsonBytes, type JsonBody } from './json.ts';

export const MAX_EVENTS_PER_REQUEST = 1000;

export interface OutgoingEvent {
  type: EventType;
  /** Kafka key: a run's events stay in one partition, in order. */
  runId: string;
  value: Buffer;
  points: number;
}

export type ParseResult = { ok: true; events: OutgoingEvent[] } | { ok: false; status: 400 | 403; error: string };

const bad = (error: string): ParseResult => ({ ok: false, status: 400, error });

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON.stringify would say null
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeType(t: AvroType): string {
  const s = JSON.stringify(t.schema());
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The first place where `value` does not fit the Avro schema, in words; null when it fits. */
function avroMismatch(type: AvroType, value: unknown): string | null {
  let first: string | null = null;
  const ok = type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, v, t) => {
      if (first !== null) return;
      const where = path.length > 0 ? `field "${path.join('.')}"` : 'the event';
      const fields = (t as AvroType & { fields?: { name: string }[] }).fields;
      if (fields && v && typeof v === 'object' && !Array.isArray(v)) {
        const unknown = Object.keys(v).filter((k) => !fields.some((f) => f.name === k));
        if (unknown.length > 0) {
          first = `${where} has unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}`;
          return;
        }
      }
      first = `${where}: expected ${describeType(t)}, got ${describeValue(v)}`;
    },
  });
  return ok ? null : (first ?? 'does not match the schema');
}

function pointsOf(e: AnyEvent): number {
  return e.type === 'MetricBatch' ? e.value.steps.length : e.type === 'OutcomeBatch' ? e.value.unitIds.length : 0;
}

/** Semantic validation and the tenancy check, shared by both body formats. */
function check(i: number, event: AnyEvent, project: string): ParseResult | null {
  // The registry's audit log names who asked: only the API's registry routes (scope registry) write it.
  if (event.type === 'RegistryChanged') return { ok: false, status: 403, error: `event ${i} (RegistryChanged): registry changes are made through /v1/models with a token of scope "registry", not ingested` };
  // Evidence is an answer the server computed itself: saved through POST /v1/evidence only.
  if (event.type === 'EvidenceSaved') return { ok: false, status: 403, error: `event ${i} (EvidenceSaved): evidence is saved through POST /v1/evidence, which computes the answer itself, not ingested` };
  // An online experiment's variants are resolved against the registry: declared through POST /v1/online/experiments only.
  if (event.type === 'OnlineExperimentDeclared') return { ok: false, status: 403, error: `event ${i} (OnlineExperimentDeclared): online experiments are declared through POST /v1/online/experiments with a token of scope "registry", not ingested` };
  const invalid = validateEvent(event);
  if (invalid) return bad(`event ${i} (${event.type}): ${invalid}`);
  if (event.value.project !== project) {
    return { ok: false, status: 403, error: `event ${i} (${event.type}): project "${event.value.project.slice(0, 128)}" is not the token's project` };
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function parseJsonBody(body: unknown, project: string, catalogue: SchemaCatalogue): ParseResult {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return bad('no events: send {"type": ..., "event": {...}} or a non-empty array of them');
  if (items.length > MAX_EVENTS_PER_REQUEST) return bad(`${items.length} events in one request; the limit is ${MAX_EVENTS_PER_REQUEST}`);
  const out: OutgoingEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isRecord(item) || !isRecord(item.event) || typeof item.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(item.type)) {
      return bad(`event ${i}: expected {"type": ${EVENT_TYPES.map((t) => `"${t}"`).join(' | ')}, "event": {...}}`);
    }
    const extra = Object.keys(item).filter((k) => k !== 'type' && k !== 'event');
    if (extra.length > 0) return bad(`event ${i}: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')} next to "type" and "event"`);
    const type = item.type as EventType;
    const writer = catalogue.reader(type);
    // Strings before encoding: Avro bytes hold a lone surrogate as invalid UTF-8 that decodes
    // as U+FFFD, so validation of the decoded event would not see it.
    const mismatch = avroMismatch(writer.type, item.event) ?? checkStrings(item.event);
    if (mismatch) return bad(`event ${i} (${type}): ${mismatch}`);
    // Encoded once; the decoded body (defaults filled: sweepId null, …) is what a processor will
    // see, and what is checked. As avsc's clone, without encoding a second time to send it.
    const encoded = catalogue.encodeBody(writer, item.event);
    const event = { type, value: writer.type.fromBuffer(encoded) } as AnyEvent;
    const refused = check(i, event, project);
    if (refused) return refused;
    out.push({ type, runId: eventKey(event.value), value: catalogue.frame(writer, encoded), points: pointsOf(event) });
  }
  return { ok: true, events: out };
}

const NON_FINITE_HINT =
  "(JSON has no NaN or Infinity, though Python's json.dumps writes them unless allow_nan=False: send finite numbers, or leave such values out)";

/**
 * A JSON body as the bytes that came: not valid UTF-8 is a 400 naming each string that holds
 * invalid bytes; bare NaN / Infinity literals parse, so the event's own validation names the
 * point or field that holds one (with a hint); then as parseJsonBody.
 */
export function parseJsonRequest(body: Buffer, project: string, catalogue: SchemaCatalogue): ParseResult {
  const json = parseJsonBytes(body);
  if (!json.ok) return bad(json.error);
  if (json.invalidUtf8.size > 0) return bad(describeInvalidUtf8(json.value, json.invalidUtf8));
  const parsed = parseJsonBody(json.value, project, catalogue);
  if (!parsed.ok && parsed.status === 400 && json.nonFinite.length > 0 && /\b(NaN|Infinity)\b|not a finite number/.test(parsed.error)) {
    return bad(`${parsed.error} ${NON_FINITE_HINT}`);
  }
  return parsed;
}

/** `event 0 (RunStarted): experiment: not valid UTF-8 (byte FF at byte 3)`, for up to five strings. */
function describeInvalidUtf8(value: unknown, markers: Extract<JsonBody, { ok: true }>['invalidUtf8']): string {
  const LIMIT = 5;
  const items = Array.isArray(value) ? value : [value];
  const found: string[] = [];
  const show = (s: string) => markers.get(s)?.shown ?? s;
  for (let i = 0; i < items.length && found.length < LIMIT; i++) {
    const item: unknown = items[i];
    const type = isRecord(item) && typeof item.type === 'string' && (EVENT_TYPES as readonly string[]).includes(item.type) ? ` (${item.type})` : '';
    for (const hit of findStrings(item, (s) => markers.has(s), LIMIT - found.length)) {
      // Name fields as the event's own ("experiment", not "event.experiment"), with keys shown as sent.
      const segments: Segment[] = hit.segments[0] === 'event' && hit.segments.length > 1 ? hit.segments.slice(1) : hit.segments;
      const path = formatPath(segments.map((s) => (typeof s === 'object' ? { key: show(s.key) } : typeof s === 'string' ? show(s) : s)));
      found.push(`event ${i}${type}: ${path || 'the event'}: not valid UTF-8 (${markers.get(hit.value)!.problem})`);
    }
  }
  if (found.length === 0) {
    const [first] = markers.values();
    return `the body is not valid UTF-8 (${first?.problem ?? 'invalid bytes'})`;
  }
  const more = markers.size - found.length;
  return `${found.join('; ')}${more > 0 ? `; and ${more} more string(s) not valid UTF-8` : ''}`;
}

/** One Avro single-object encoded event, forwarded byte for byte once it decodes and validates. */
export function parseAvroBody(body: Buffer, project: string, catalogue: SchemaCatalogue): ParseResult {
  const decoded = catalogue.decode(body);
  if (!decoded.ok) return bad(`event 0: ${decoded.reason}: ${decoded.detail}`);
  const refused = check(0, decoded.event, project);
  if (refused) return refused;
  return { ok: true, events: [{ type: decoded.event.type, runId: eventKey(decoded.event.value), value: Buffer.from(body), points: pointsOf(decoded.event) }] };
}
