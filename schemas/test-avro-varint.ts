// Hand-made Avro for tests that forge hostile messages: the zig-zag varint Avro uses for
// ints, longs and the lengths of strings, bytes, arrays and maps (exact for |n| < 2^52).
export function avroVarint(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return Buffer.from(out);
}
