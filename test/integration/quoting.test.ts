// The quoting module against the real ClickHouse: any Unicode string — quotes, backslashes,
// NUL, newlines, emoji — survives the trip through a literal, and matches exactly in WHERE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteString } from '../../storage/sql-quote.ts';
import { freshNamespace, type Namespace } from '../helpers/namespace.ts';

let ns: Namespace;
beforeAll(async () => {
  ns = await freshNamespace('quoting');
  await ns.clickhouse.command({ query: 'CREATE TABLE strings (id UInt32, s String) ENGINE = MergeTree() ORDER BY id' });
});
afterAll(async () => ns?.drop());

const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom("'", '\\', '\u0000', '\n', '\r', '\t', '"', '`', ';', '--', '/*', '?', '{x:String}', 'é', '🎉'), { maxLength: 12 }).map((a) => a.join('')),
);

describe('quoteString through the real server', () => {
  it('round-trips arbitrary Unicode strings as literals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nasty, { minLength: 1, maxLength: 20 }), async (strings) => {
        const query = `SELECT ${strings.map((s, i) => `${quoteString(s)} AS c${i}`).join(', ')}`;
        const [row] = await (await ns.clickhouse.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>();
        strings.forEach((s, i) => expect(row![`c${i}`]).toBe(s));
      }),
      { numRuns: 60 },
    );
  });

  it('finds exactly the stored row when a quoted string is used in WHERE', async () => {
    const values = fc.sample(nasty, 200);
    values.push("x' OR '1'='1", "\\' OR 1=1 --", 'a\\\\', "';DROP TABLE strings;--");
    await ns.clickhouse.insert({ table: 'strings', values: values.map((s, id) => ({ id, s })), format: 'JSONEachRow' });
    for (const [id, s] of values.entries()) {
      const rows = await (await ns.clickhouse.query({ query: `SELECT id FROM strings WHERE s = ${quoteString(s)} ORDER BY id`, format: 'JSONEachRow' })).json<{ id: number }>();
      const expected = values.flatMap((v, i) => (v === s ? [i] : []));
      expect(rows.map((r) => r.id)).toEqual(expected);
      expect(expected).toContain(id);
    }
  });
});
