// The Python package ships the Avro contract as files of its own (package data); they must be
// the repository's schemas/*.avsc byte for byte, so both SDKs write the same fingerprints.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMAS = join(ROOT, 'schemas');
const SHIPPED = join(ROOT, 'ingest', 'python', 'src', 'runlens', 'schemas');
const avsc = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.avsc')).sort();

describe('the Python package schemas', () => {
  it('are the files of schemas/, byte for byte (copy them over after changing a schema)', () => {
    expect(avsc(SHIPPED)).toEqual(avsc(SCHEMAS));
    for (const file of avsc(SCHEMAS)) expect(readFileSync(join(SHIPPED, file)).equals(readFileSync(join(SCHEMAS, file))), file).toBe(true);
  });
});
