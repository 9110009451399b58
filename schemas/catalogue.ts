// The schema catalogue: every known writer schema of every event type, by fingerprint.
// Messages use Avro single-object encoding (C3 01 + 8-byte little-endian CRC-64-AVRO of the
// writer's canonical form + Avro body). A reader looks the writer up here and resolves it to
// the newest version it knows, so old writers and newer writers with added defaulted fields
// both decode. The catalogue never throws on bad bytes: decode returns a reasoned rejection.
// Strings must be valid UTF-8 (the Avro spec says so): avsc would decode other bytes as U+FFFD,
// storing something else than was sent, so decode refuses them (reason invalid_utf8).
import avro from 'avsc';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAvroBounds } from './bounds.ts';
import { findEventStrings, invalidUtf8InAvro } from './text.ts';
import { fingerprintBytes, rabinFingerprint } from './fingerprint.ts';
import { EVENT_TYPES, type AnyEvent, type EventMap, type EventType, type MetricBatch } from './events.ts';
import { encodeMetricBatch, METRIC_BATCH_V2_FIELDS } from './metric-batch-encoder.ts';

export const MAGIC = Buffer.from([0xc3, 0x01]);
export const HEADER_BYTES = 10;

const SCHEMA_DIR = dirname(fileURLToPath(import.meta.url));
const FILE_PATTERN = /^([a-z-]+)\.v(\d+)\.avsc$/;
const FILE_TO_TYPE: Record<string, EventType> = {
  'run-started': 'RunStarted',
  'metric-batch': 'MetricBatch',
  'artifact-logged': 'ArtifactLogged',
  'run-finished': 'RunFinished',
  'params-logged': 'ParamsLogged',
  'run-heartbeat': 'RunHeartbeat',
  'tags-set': 'TagsSet',
  'experiment-declared': 'ExperimentDeclared',
  'run-lifecycle-set': 'RunLifecycleSet',
  'registry-changed': 'RegistryChanged',
  'evidence-saved': 'EvidenceSaved',
  'table-logged': 'TableLogged',
  'samples-logged': 'SamplesLogged',
  'log-lines': 'LogLines',
  'outcome-batch': 'OutcomeBatch',
  'online-experiment-declared': 'OnlineExperimentDeclared',
};

export interface WriterSchema {
  eventType: EventType;
  version: number;
  type: avro.Type;
  fingerprint: bigint;
  /** Hex of the 8 little-endian fingerprint bytes, as they appear on the wire. */
  fingerprintHex: string;
  /** A hand-written encoder giving avsc's bytes faster, where one exists for this schema (null: use avsc for this value). */
  encodeFast?: (value: unknown) => Buffer | null;
}

/** A schema's fields as name:type, unions as a|b and arrays as item[] (what a hand-written encoder is checked against). */
export function fieldSignature(schema: avro.Schema): string[] {
  const typeName = (t: unknown): string =>
    Array.isArray(t) ? t.map(typeName).join('|') : typeof t === 'string' ? t : (t as { type: string; items?: unknown }).type === 'array' ? `${typeName((t as { items: unknown }).items)}[]` : (t as { type: string }).type;
  return ((schema as { fields?: { name: string; type: unknown }[] }).fields ?? []).map((f) => `${f.name}:${typeName(f.type)}`);
}

export type DecodeResult =
  | { ok: true; event: AnyEvent; writer: WriterSchema }
  | { ok: false; reason: DecodeFailure; detail: string };

export type DecodeFailure = 'empty' | 'bad_magic' | 'unknown_schema' | 'malformed_body' | 'invalid_utf8';

export class SchemaCatalogue {
  private readonly byFingerprint = new Map<string, WriterSchema>();
  private readonly readers = new Map<EventType, WriterSchema>();
  private readonly resolvers = new Map<string, avro.Resolver>();

  /**
   * Registers a writer schema. The highest version per event type becomes the reader, unless
   * `asReader` is false: a schema known only as a writer (e.g. fetched from a registry by a
   * reader deployed before it existed).
   */
  register(eventType: EventType, version: number, schema: avro.Schema, opts: { asReader?: boolean } = {}): WriterSchema {
    // Long values in metric batches (steps, times) stay below 2^53, so JS numbers are exact.
    const type = avro.Type.forSchema(schema, { wrapUnions: false });
    const fingerprint = rabinFingerprint(JSON.stringify(type.schema()));
    const fingerprintHex = fingerprintBytes(fingerprint).toString('hex');
    const writer: WriterSchema = { eventType, version, type, fingerprint, fingerprintHex };
    if (eventType === 'MetricBatch' && fieldSignature(type.schema()).join(',') === METRIC_BATCH_V2_FIELDS.join(',')) {
      writer.encodeFast = (value) => encodeMetricBatch(value as MetricBatch);
    }
    this.byFingerprint.set(fingerprintHex, writer);
    const current = this.readers.get(eventType);
    if ((opts.asReader ?? true) && (!current || current.version < version)) {
      this.readers.set(eventType, writer);
      this.resolvers.clear();
    }
    return writer;
  }

  reader(eventType: EventType): WriterSchema {
    const r = this.readers.get(eventType);
    if (!r) throw new Error(`no schema registered for ${eventType}`);
    return r;
  }

  writers(): WriterSchema[] {
    return [...this.byFingerprint.values()];
  }

  /** Encodes with the newest schema of the event type. Throws on values the schema rejects. */
  encode<K extends EventType>(eventType: K, value: EventMap[K]): Buffer {
    return this.encodeWith(this.reader(eventType), value);
  }

  encodeWith(writer: WriterSchema, value: unknown): Buffer {
    return this.frame(writer, this.encodeBody(writer, value));
  }

  /** The Avro body of `value` in `writer`'s schema (its hand-written encoder where it has one). Throws on values the schema rejects. */
  encodeBody(writer: WriterSchema, value: unknown): Buffer {
    return writer.encodeFast?.(value) ?? writer.type.toBuffer(value);
  }

  /** A Kafka message of an Avro body already encoded with `writer`: C3 01, the fingerprint, the body. */
  frame(writer: WriterSchema, body: Buffer): Buffer {
    const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    MAGIC.copy(out, 0);
    out.write(writer.fingerprintHex, 2, 'hex');
    body.copy(out, HEADER_BYTES);
    return out;
  }

  decode(buf: Buffer | null | undefined): DecodeResult {
    if (!buf || buf.length === 0) return { ok: false, reason: 'empty', detail: 'message has no value' };
    if (buf.length < HEADER_BYTES || buf[0] !== 0xc3 || buf[1] !== 0x01) {
      return { ok: false, reason: 'bad_magic', detail: 'not Avro single-object encoding (expected C3 01 + 8-byte fingerprint)' };
    }
    const fpHex = buf.subarray(2, HEADER_BYTES).toString('hex');
    const writer = this.byFingerprint.get(fpHex);
    if (!writer) return { ok: false, reason: 'unknown_schema', detail: `unknown writer schema fingerprint ${fpHex}` };
    const reader = this.reader(writer.eventType);
    const body = buf.subarray(HEADER_BYTES);
    const implausible = checkAvroBounds(writer.type, body);
    if (implausible) return { ok: false, reason: 'malformed_body', detail: `${writer.eventType} v${writer.version}: ${implausible}` };
    try {
      let value: unknown;
      if (reader === writer) {
        value = reader.type.fromBuffer(body);
      } else {
        value = reader.type.fromBuffer(body, this.resolver(reader, writer));
      }
      const event = { type: writer.eventType, value } as AnyEvent;
      // Only a decoded U+FFFD can come from invalid bytes; then read the strings' own bytes.
      if (findEventStrings(event, (s) => s.includes('\uFFFD')).length > 0) {
        const invalid = invalidUtf8InAvro(writer.type, body);
        if (invalid.length > 0) return { ok: false, reason: 'invalid_utf8', detail: `${writer.eventType} v${writer.version}: ${invalid.join('; ')}` };
      }
      return { ok: true, writer, event };
    } catch (err) {
      return { ok: false, reason: 'malformed_body', detail: `cannot decode ${writer.eventType} v${writer.version}: ${(err as Error).message}` };
    }
  }

  private resolver(reader: WriterSchema, writer: WriterSchema): avro.Resolver {
    const key = `${reader.fingerprintHex}:${writer.fingerprintHex}`;
    let r = this.resolvers.get(key);
    if (!r) {
      r = reader.type.createResolver(writer.type);
      this.resolvers.set(key, r);
    }
    return r;
  }
}

/** Loads every schemas/<event>.v<N>.avsc into a catalogue. */
export function loadCatalogue(dir: string = SCHEMA_DIR): SchemaCatalogue {
  const catalogue = new SchemaCatalogue();
  for (const file of readdirSync(dir).sort()) {
    const m = FILE_PATTERN.exec(file);
    if (!m) continue;
    const eventType = FILE_TO_TYPE[m[1]!];
    if (!eventType) throw new Error(`schemas/${file}: unknown event file name`);
    catalogue.register(eventType, Number(m[2]), JSON.parse(readFileSync(join(dir, file), 'utf8')) as avro.Schema);
  }
  for (const t of EVENT_TYPES) catalogue.reader(t);
  return catalogue;
}
