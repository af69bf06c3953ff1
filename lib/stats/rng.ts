// The project's one seeded pseudo-random generator: bootstraps, folds, nested subsamples, network
// initialisation, batch orders and dropout all draw from it, so every random choice is reproducible.
//
// Generator: SFC32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128-bit state, 32-bit output).
// Two ways to seed it, both platform-stable (pure 32-bit integer arithmetic, no native randomness):
// - createRng(seed): a number; SplitMix32 spreads it over the four state words, so nearby seeds give
//   unrelated streams;
// - rngFromKey(key): a text key such as `training-order|<seed>|<fold>|<task>`; the first 128 bits of
//   SHA-256(key), read as four little-endian words, are the state, so every key names its own stream.
// Not cryptographic.
import { createHash } from 'node:crypto';

/** Anything indexable and writable by position: plain arrays and typed arrays (Int32Array, Float64Array, ...). */
export interface MutableList<E = unknown> {
  length: number;
  [index: number]: E;
}

export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /**
   * Uniform integer in 0..n-1 (unbiased; n a positive integer ≤ 2^32). Without n, a full 32-bit word
   * (n = 2^32), e.g. the seed of a child stream.
   */
  int(n?: number): number;
  /** Standard normal deviate (Box–Muller). */
  normal(): number;
  /** Fisher–Yates shuffle in place (see shuffleInPlace); returns the same list. */
  shuffle<L extends MutableList>(items: L): L;
  /** SFC32's state words (a, b, c, d), live: a kernel that draws from this stream (the dropout masks of
   * lib/model/kernels) reads them and writes them back advanced, so the stream goes on where the kernel left it. */
  readonly state: Int32Array;
}

const TWO_POW_32 = 2 ** 32;

/**
 * SFC32 from a 128-bit state (a, b, c, d) = the four seed words (uint32). One step:
 *   t = a + b + d;  d = d + 1;  a = b ⊕ (b ≫ 9);  b = c + (c ≪ 3);  c = rotl(c, 21) + t;  output t
 * (all mod 2^32). The counter d guarantees a period of at least 2^32; the expected period is ~2^127.
 */
function sfc32(w0: number, w1: number, w2: number, w3: number, warmUp = true): Rng {
  // The state lives in an Int32Array: four closure variables holding uint32 values would be boxed as heap
  // numbers on every step (values ≥ 2^31 are not small integers in V8), which made next() ~2.5× slower.
  const state = Int32Array.of(w0, w1, w2, w3); // (a, b, c, d), stored as int32 bit patterns
  function nextUint32(): number {
    const a = state[0];
    const b = state[1];
    const c = state[2];
    const d = state[3];
    const t = (((a + b) | 0) + d) | 0;
    state[3] = (d + 1) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }
  // Warm up: the first outputs of SFC32 are correlated with the seed words.
  if (warmUp) for (let i = 0; i < 12; i++) nextUint32();

  let spareNormal: number | null = null;

  const rng: Rng = {
    state,
    next() {
      const high = nextUint32() >>> 5; // 27 bits
      const low = nextUint32() >>> 6; // 26 bits
      return (high * 67108864 + low) / 9007199254740992; // (high·2^26 + low) / 2^53
    },
    int(n = TWO_POW_32) {
      if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
      // Rejection sampling removes the modulo bias: accept only words below the largest multiple of n.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
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
    shuffle(items) {
      return shuffleInPlace(items, rng);
    },
  };
  return rng;
}

/** A generator that goes on from SFC32 state words (a, b, c, d) as they are (no warm-up: a stream's own saved state). */
export function rngFromState(words: Int32Array): Rng {
  return sfc32(words[0], words[1], words[2], words[3], false);
}

/** SplitMix32: a 32-bit counter through an avalanche mix; spreads one seed word over SFC32's state. */
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

/** A deterministic generator for a numeric `seed` (any finite number; its integer part modulo 2^32 is used, plus the high word). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const integer = Math.trunc(seed);
  const mix = splitMix32((integer >>> 0) ^ Math.imul(Math.floor(integer / TWO_POW_32) | 0, 0x27d4eb2d));
  const a = mix();
  const b = mix();
  const c = mix();
  const d = mix();
  return sfc32(a, b, c, d);
}

/**
 * A deterministic generator for a text `key`: state words = bytes 0–15 of SHA-256(UTF-8 key), read as
 * little-endian uint32. Every random choice of the splits derives from such a key, so the same
 * (seed, fold, task) gives the same order on any machine.
 */
export function rngFromKey(key: string): Rng {
  if (typeof key !== 'string') throw new TypeError(`rngFromKey: key must be a string, got ${typeof key}`);
  const h = createHash('sha256').update(key, 'utf8').digest();
  return sfc32(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12));
}

/**
 * Fisher–Yates (Durstenfeld) shuffle in place: for i = len−1 down to 1, swap items[i] with items[j],
 * j uniform in 0..i (rng.int(i + 1), unbiased). Every permutation has probability 1/len!.
 * Works on plain and typed arrays; returns the same list.
 */
export function shuffleInPlace<L extends MutableList>(items: L, rng: Rng): L {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
