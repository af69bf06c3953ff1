// A small seeded generator (mulberry32) so that initialisation, shuffling and dropout are reproducible.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, 2^31). */
  int(): number;
}

/** mulberry32: 32-bit state, period 2^32; plenty for shuffles and init of small networks. */
export function createRng(seed: number): Rng {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  const nextU32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => nextU32() / 4294967296,
    int: () => nextU32() >>> 1,
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array, rng: Rng): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}

/**
 * PyTorch's default initialisation of a linear layer (kaiming-uniform with a = √5), so that mtlc and the
 * PyTorch reference start from the same distribution: every weight and bias ~ U(−1/√fan_in, 1/√fan_in).
 */
export function linearInit(rng: Rng, fanIn: number, count: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}
