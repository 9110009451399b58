// The gateway's JSON body parser: bytes in, a value or a reason out. Stricter than fastify's
// about text and kinder about numbers:
// - the body must be valid UTF-8; decoding other bytes as U+FFFD would store names that were
//   never sent, so each string holding invalid bytes is replaced by a marker the caller finds
//   (and names) in the parsed value;
// - bare NaN, Infinity and -Infinity (what Python's json.dumps writes by default) parse as the
//   numbers they mean, so the per-event validation can say which point holds one, instead of a
//   generic "not valid JSON";
// - an object key "__proto__" is refused, as fastify's secure-json-parse does.
// Valid UTF-8 that JSON.parse takes (the common case) costs one isUtf8 and one JSON.parse.
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { describeInvalidUtf8, firstInvalidUtf8, utf8Problem } from '../../schemas/text.ts';

export type JsonBody =
  | {
      ok: true;
      value: unknown;
      /** The NaN / Infinity / -Infinity literals the body held, in order of appearance (empty for standard JSON). */
      nonFinite: string[];
      /**
       * Marker string (in place of a string that held invalid UTF-8) → where its bytes stopped
       * being UTF-8, and the string as sent, decoded with U+FFFD for display. Empty when the
       * body is valid UTF-8.
       */
      invalidUtf8: Map<string, { problem: string; shown: string }>;
    }
  | { ok: false; error: string };

// secure-json-parse's test for a "__proto__" key, escapes included.
const PROTO_KEY = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

class ProtoKeyError extends Error {}

const noProto = (key: string, value: unknown) => {
  if (key === '__proto__') throw new ProtoKeyError('the body has an object key "__proto__"');
  return value;
};

function jsonParse(text: string, reviver?: (key: string, value: unknown) => unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const guard = PROTO_KEY.test(text);
    const r = guard && reviver ? (k: string, v: unknown) => reviver(k, noProto(k, v)) : guard ? noProto : reviver;
    return { ok: true, value: JSON.parse(text, r) };
  } catch (err) {
    if (err instanceof ProtoKeyError) return { ok: false, error: err.message };
    return { ok: false, error: `body is not valid JSON: ${(err as Error).message}` };
  }
}

const isIdentByte = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x24);

/** The non-finite literal (NaN, Infinity, -Infinity) that starts at byte i, as a whole word; else null. */
function literalAt(buf: Buffer, i: number): string | null {
  const b = buf[i];
  const word = b === 0x4e ? 'NaN' : b === 0x49 ? 'Infinity' : b === 0x2d && buf[i + 1] === 0x49 ? '-Infinity' : null;
  if (word === null || i + word.length > buf.length || isIdentByte(buf[i - 1]) || isIdentByte(buf[i + word.length])) return null;
  for (let k = 1; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return null;
  return word;
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

export function parseJsonBytes(body: Buffer): JsonBody {
  // A UTF-8 byte order mark is not JSON, but fastify's parser let it pass; so do we.
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  if (body.length === 0) return { ok: false, error: 'the body is empty: send {"type": ..., "event": {...}} or an array of them' };
  if (isUtf8(body)) {
    const fast = jsonParse(body.toString('utf8'));
    if (fast.ok) return { ok: true, value: fast.value, nonFinite: [], invalidUtf8: new Map() };
  }
  return slowParse(body);
}

/**
 * One pass over the bytes that tracks JSON strings: a string holding invalid UTF-8 becomes a
 * marker, a non-finite literal outside strings becomes a sentinel string that the reviver
 * turns into its number. Only for bodies that are not valid UTF-8 or that JSON.parse refused.
 */
function slowParse(body: Buffer): JsonBody {
  const nonce = randomBytes(8).toString('hex');
  const marker = (k: number) => `\u0000runlens-invalid-utf8:${nonce}:${k}`;
  const sentinel = (word: string) => `\u0000runlens-${word}:${nonce}`;
  // JSON.stringify writes U+0000 as \u0000: markers and sentinels stay plain ASCII JSON strings.
  const quoted = (s: string) => Buffer.from(JSON.stringify(s), 'latin1');
  const pieces: Buffer[] = [];
  const invalidUtf8 = new Map<string, { problem: string; shown: string }>();
  const nonFinite: string[] = [];
  let firstOutside = -1; // the first non-ASCII byte outside strings: never JSON
  let last = 0;
  let i = 0;
  const n = body.length;
  while (i < n) {
    const b = body[i]!;
    if (b === 0x22) {
      // A string: the bytes up to the closing quote, escapes skipped. '"' and '\' never occur
      // inside a multi-byte UTF-8 sequence, so this holds with invalid bytes too.
      const start = i++;
      while (i < n && body[i] !== 0x22) i += body[i] === 0x5c ? 2 : 1;
      if (i >= n) break; // unterminated: JSON.parse says so below
      const problem = utf8Problem(body.subarray(start + 1, i));
      if (problem) {
        const m = marker(invalidUtf8.size);
        invalidUtf8.set(m, { problem, shown: body.subarray(start + 1, i).toString('utf8') });
        pieces.push(body.subarray(last, start), quoted(m));
        last = i + 1;
      }
      i++;
      continue;
    }
    const word = literalAt(body, i);
    if (word) {
      nonFinite.push(word);
      pieces.push(body.subarray(last, i), quoted(sentinel(word)));
      i += word.length;
      last = i;
      continue;
    }
    if (b >= 0x80 && firstOutside < 0) firstOutside = i;
    i++;
  }
  pieces.push(body.subarray(last));
  const bytes = pieces.length === 1 ? body : Buffer.concat(pieces);
  if (firstOutside >= 0) {
    const bad = firstInvalidUtf8(body.subarray(firstOutside, firstOutside + 4));
    if (bad?.at === 0) return { ok: false, error: `the body is not valid UTF-8 outside its strings (${describeInvalidUtf8(bad, firstOutside)})` };
  }
  const numbers = new Map<string, number>(Object.entries(NON_FINITE).map(([word, value]) => [sentinel(word), value]));
  const reviver =
    nonFinite.length === 0
      ? undefined
      : (key: string, v: unknown) => {
          if (numbers.has(key)) throw new SyntaxError('NaN, Infinity or -Infinity as an object key');
          return typeof v === 'string' ? (numbers.get(v) ?? v) : v;
        };
  const parsed = jsonParse(bytes.toString('utf8'), reviver);
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value, nonFinite, invalidUtf8 };
}
