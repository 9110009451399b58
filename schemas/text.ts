// Text arrives exactly as sent or not at all. Names (experiments, metric keys, params, …) are
// stored byte for byte, so a string that is not well-formed Unicode (a lone UTF-16 surrogate in
// JS) or whose bytes are not valid UTF-8 (in an Avro message or a JSON body) is refused with the
// field named; decoding such bytes with U+FFFD replacement would change a user's names silently.
// Shared by the validation (SDK, gateway, processors), the catalogue's decode and the gateway.
import { isUtf8 } from 'node:buffer';
import type avro from 'avsc';
import type { AnyEvent } from './events.ts';

// String.prototype.isWellFormed (Node 20) is not in the ES2022 lib the project compiles against.
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** Why `s` is not well-formed Unicode ("lone surrogate U+D800 at index 3"), or null when it is. */
export function unicodeProblem(s: string): string | null {
  if (wellFormed(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return `lone surrogate U+${hex(c, 4)} at index ${i}`;
  }
  return 'lone surrogate';
}

/** The first ill-formed UTF-8 sequence in `bytes`: its offset and its bytes in hex; null when all are valid. */
export function firstInvalidUtf8(bytes: Uint8Array): { at: number; bytes: string } | null {
  if (isUtf8(bytes)) return null;
  const n = bytes.length;
  const seq = (from: number, to: number) => Array.from(bytes.subarray(from, Math.min(n, to)), (x) => hex(x, 2)).join(' ');
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The valid range of the second byte and the number of continuation bytes, per lead byte.
    let lo = 0x80;
    let hi = 0xbf;
    let more: number;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // an encoded surrogate (what CESU-8 writes for a lone surrogate)
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return { at: i, bytes: seq(i, i + 1) };
    for (let k = 1; k <= more; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return { at: i, bytes: seq(i, i + more + 1) };
    }
    i += more + 1;
  }
  return { at: 0, bytes: '' }; // unreachable when isUtf8 and this scan agree
}

/**
 * Where `bytes` stop being valid UTF-8 ("byte FF at byte 3", "bytes ED A0 80 at byte 0"), or
 * null when they are valid. Overlong forms, encoded surrogates and code points above U+10FFFF
 * are invalid.
 */
export function utf8Problem(bytes: Uint8Array): string | null {
  const bad = firstInvalidUtf8(bytes);
  return bad ? describeInvalidUtf8(bad) : null;
}

/** "byte FF at byte 3" for what firstInvalidUtf8 found; `base` is added to the offset. */
export function describeInvalidUtf8(bad: { at: number; bytes: string }, base = 0): string {
  return `${bad.bytes.includes(' ') ? 'bytes' : 'byte'} ${bad.bytes} at byte ${base + bad.at}`;
}

export type Segment = string | number | { key: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `lineage.environment.libraries["torch-cuda"]`, `keys[3]`, `params key "\ud800"`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'object') out += `${out ? ' ' : ''}key ${JSON.stringify(s.key.length > 60 ? `${s.key.slice(0, 57)}...` : s.key)}`;
    else if (IDENTIFIER.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s)}]`;
  }
  return out;
}

export interface FoundString {
  path: string;
  /** The path as parts: field names and map keys as strings, array indices as numbers, { key } for an object key itself. */
  segments: Segment[];
  value: string;
}

/**
 * The strings (values, and keys of objects) in a decoded event or JSON value for which `test`
 * is true, with their paths, at most `limit` of them, in traversal order. Numbers are passed
 * over; top-level fields in `skipFields` are not looked into at all.
 */
export function findStrings(value: unknown, test: (s: string) => boolean, limit = 1, skipFields?: ReadonlySet<string>): FoundString[] {
  const out: FoundString[] = [];
  const path: Segment[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (test(v)) out.push({ path: formatPath(path), segments: [...path], value: v });
      return;
    }
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v)) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'number' || (typeof x !== 'string' && (typeof x !== 'object' || x === null))) continue;
        path.push(i);
        walk(x);
        path.pop();
        if (out.length >= limit) return;
      }
      return;
    }
    for (const k of Object.keys(v)) {
      if (out.length >= limit) return;
      if (skipFields && path.length === 0 && skipFields.has(k)) continue;
      if (test(k)) {
        path.push({ key: k });
        out.push({ path: formatPath(path), segments: [...path], value: k });
        path.pop();
        if (out.length >= limit) return;
      }
      path.push(k);
      walk((v as Record<string, unknown>)[k]);
      path.pop();
    }
  };
  walk(value);
  return out;
}

/** The number columns of a MetricBatch (the schema types them): no strings to look at, and most of its values. */
const METRIC_COLUMNS: ReadonlySet<string> = new Set(['keyIndex', 'segmentIndex', 'steps', 'values', 'wallTimes']);

/** findStrings over an event's value, passing over a MetricBatch's number columns without a look. */
export function findEventStrings(event: AnyEvent, test: (s: string) => boolean, limit = 1): FoundString[] {
  return findStrings(event.value, test, limit, event.type === 'MetricBatch' ? METRIC_COLUMNS : undefined);
}

/** A zig-zag varint reader over an Avro body that decoded already (so no bounds surprises). */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  long(): number {
    let n = 0;
    let shift = 1;
    for (let i = 0; i < 10 && this.pos < this.buf.length; i++) {
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * shift;
      if ((b & 0x80) === 0) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      shift *= 128;
    }
    throw new Error('bad varint');
  }
  bytes(len: number): Buffer {
    if (len < 0 || this.pos + len > this.buf.length) throw new Error('length beyond the body');
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
}

type AvroNode = avro.Type & {
  typeName: string;
  fields?: { name: string; type: avro.Type }[];
  itemsType?: avro.Type;
  valuesType?: avro.Type;
  types?: avro.Type[];
  size?: number;
};

/**
 * Every string of an Avro body (values and map keys) whose bytes are not valid UTF-8, as
 * `path: not valid UTF-8 (bytes ED A0 80 at byte 0)`, read with the writer's schema. avsc
 * decodes strings with U+FFFD replacement, so the catalogue asks this only when a decoded
 * string holds U+FFFD: the common case costs one scan of the decoded strings.
 */
export function invalidUtf8InAvro(writerType: avro.Type, body: Buffer, limit = 5): string[] {
  const out: string[] = [];
  const path: Segment[] = [];
  const c = new Cursor(body);
  const check = (bytes: Buffer, at: Segment[]) => {
    const p = utf8Problem(bytes);
    if (p && out.length < limit) out.push(`${formatPath(at) || 'a string'}: not valid UTF-8 (${p})`);
  };
  const walk = (type: avro.Type): void => {
    const t = type as AvroNode;
    switch (t.typeName) {
      case 'null':
        return;
      case 'boolean':
        c.bytes(1);
        return;
      case 'int':
      case 'long':
      case 'enum':
        c.long();
        return;
      case 'float':
        c.bytes(4);
        return;
      case 'double':
        c.bytes(8);
        return;
      case 'bytes':
        c.bytes(c.long());
        return;
      case 'fixed':
        c.bytes(t.size!);
        return;
      case 'string':
        check(c.bytes(c.long()), path);
        return;
      case 'record':
      case 'error':
        for (const f of t.fields!) {
          path.push(f.name);
          walk(f.type);
          path.pop();
        }
        return;
      case 'union:unwrapped':
      case 'union:wrapped':
        walk(t.types![c.long()]!);
        return;
      case 'array':
      case 'map': {
        const item = (t.typeName === 'array' ? t.itemsType : t.valuesType)!;
        let index = 0;
        for (;;) {
          let n = c.long();
          if (n === 0) return;
          if (n < 0) {
            n = -n;
            c.long(); // the block's byte size
          }
          for (let i = 0; i < n; i++, index++) {
            if (t.typeName === 'map') {
              const keyBytes = c.bytes(c.long());
              const key = keyBytes.toString('utf8');
              check(keyBytes, [...path, { key }]);
              path.push(key);
            } else path.push(index);
            walk(item);
            path.pop();
          }
        }
      }
      default:
        throw new Error(`unsupported Avro type ${t.typeName}`);
    }
  };
  try {
    walk(writerType);
  } catch {
    if (out.length === 0) out.push('a string is not valid UTF-8');
  }
  return out;
}
