// A small seeded generator for the bootstrap: xoshiro128** (Blackman & Vigna), state filled by
// splitmix32 from the seed. Same seed → same stream on every platform, unlike Math.random.
import { StatsInputError } from './errors.ts';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export interface Prng {
  /** Uniform integer in [0, n) for n ≤ 2³²; the bias, at most n / 2³², is negligible here. */
  below(n: number): number;
}

/** `seed` is any safe integer; its high bits are folded in so 1 and 2³² + 1 differ. */
export function createPrng(seed: number): Prng {
  if (!Number.isSafeInteger(seed)) throw new StatsInputError(`seed must be an integer (got ${String(seed)})`);
  const high = Math.floor(seed / 2 ** 32);
  const mix = splitmix32((seed >>> 0) ^ Math.imul(high >>> 0, 0x27d4eb2d));
  const next = xoshiro128StarStar(mix(), mix(), mix(), mix());
  return { below: (n) => Math.floor((next() / 4294967296) * n) };
}

/** The raw generator from a 128-bit state; returns unsigned 32-bit integers. */
export function xoshiro128StarStar(s0: number, s1: number, s2: number, s3: number): () => number {
  let a = s0 | 0, b = s1 | 0, c = s2 | 0, d = s3 | 0;
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
