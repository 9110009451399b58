// The gateway's JSON body parser: UTF-8 checked per string, NaN / Infinity literals understood,
// "__proto__" keys refused. No services.
import { describe, expect, it } from 'vitest';
import { parseJsonBytes } from './json.ts';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('parseJsonBytes', () => {
  it('parses standard JSON as JSON.parse does, emoji, U+FFFD and escapes included', () => {
    const text = '{"a":[1,-2.5e3,true,null],"b":"ñ 😀 \uFFFD \\ud83d\\ude00 NaN","NaN":"Infinity"}';
    expect(parseJsonBytes(Buffer.from(text))).toEqual({ ok: true, value: JSON.parse(text), nonFinite: [], invalidUtf8: new Map() });
    expect(parseJsonBytes(bytes([0xef, 0xbb, 0xbf], '[1]'))).toMatchObject({ ok: true, value: [1] }); // a BOM, as fastify allowed
  });

  it('reads bare NaN, Infinity and -Infinity as numbers, and only outside strings', () => {
    const r = parseJsonBytes(Buffer.from('{"v":[1, NaN,Infinity ,-Infinity],"s":"NaN","t":{"x":NaN}}'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({ v: [1, NaN, Infinity, -Infinity], s: 'NaN', t: { x: NaN } });
    expect(r.nonFinite).toEqual(['NaN', 'Infinity', '-Infinity', 'NaN']);
  });

  it('still refuses what is not JSON, with the parser message', () => {
    for (const text of ['{"type":', '[NaNa]', '[nan]', '{NaN: 1}', '[1,]', '"unterminated']) {
      const r = parseJsonBytes(Buffer.from(text));
      expect(r, text).toMatchObject({ ok: false, error: expect.stringMatching(/^body is not valid JSON: /) });
    }
    expect(parseJsonBytes(Buffer.alloc(0))).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
  });

  it('refuses a "__proto__" key, escaped or not', () => {
    expect(parseJsonBytes(Buffer.from('{"a":{"__proto__":{"x":1}}}'))).toEqual({ ok: false, error: 'the body has an object key "__proto__"' });
    expect(parseJsonBytes(Buffer.from('{"\\u005f_proto__":1, "v": NaN}'))).toEqual({ ok: false, error: 'the body has an object key "__proto__"' });
    expect(parseJsonBytes(Buffer.from('{"a":"__proto__"}'))).toMatchObject({ ok: true });
  });

  it('marks each string holding invalid UTF-8, keeps the rest, and says where the bytes go wrong', () => {
    const r = parseJsonBytes(bytes('{"ok":"\uFFFD","bad":"ab', [0xff], '","k', [0xc3], '":["x', [0xed, 0xa0, 0x80], '"]}'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as Record<string, unknown>;
    expect(v.ok).toBe('\uFFFD'); // a real U+FFFD is not a problem
    expect([...r.invalidUtf8.values()]).toEqual([
      { problem: 'byte FF at byte 2', shown: 'ab\uFFFD' },
      { problem: 'byte C3 at byte 1', shown: 'k\uFFFD' },
      { problem: 'bytes ED A0 80 at byte 1', shown: 'x\uFFFD\uFFFD\uFFFD' },
    ]);
    const [m0, m1, m2] = [...r.invalidUtf8.keys()];
    expect(v.bad).toBe(m0);
    expect(v[m1!]).toEqual([m2]);
  });

  it('refuses invalid UTF-8 outside strings', () => {
    expect(parseJsonBytes(bytes('[1,', [0xff], ']'))).toEqual({ ok: false, error: 'the body is not valid UTF-8 outside its strings (byte FF at byte 3)' });
  });
});
