// A small seeded pseudo-random generator, so that bootstraps, subsamples and shuffles are reproducible.
//
// Generator: SFC32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128-bit state), its state
// filled from the seed by SplitMix32 so that nearby seeds give unrelated streams. Not cryptographic.

export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in 0..n-1 (unbiased; n a positive integer ≤ 2^32). */
  int(n: number): number;
  /** Standard normal deviate (Box–Muller). */
  normal(): number;
  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
}

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A deterministic generator for `seed` (any finite number; its integer part modulo 2^32 is used, plus the high word). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const integer = Math.trunc(seed);
  const mix = splitMix32((integer >>> 0) ^ Math.imul(Math.floor(integer / 2 ** 32) | 0, 0x27d4eb2d));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();

  function nextUint32(): number {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  }
  // Warm up: the first outputs of SFC32 are correlated with the seed words.
  for (let i = 0; i < 12; i++) nextUint32();

  let spareNormal: number | null = null;

  const rng: Rng = {
    next() {
      const high = nextUint32() >>> 5; // 27 bits
      const low = nextUint32() >>> 6; // 26 bits
      return (high * 67108864 + low) / 9007199254740992;
    },
    int(n: number) {
      if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
      // Rejection sampling removes the modulo bias.
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const u = nextUint32();
        if (u < limit) return u % n;
      }
    },
    normal() {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return z;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
  };
  return rng;
}
