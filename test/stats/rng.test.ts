// The project's one generator (lib/stats/rng.ts): both seeding entry points, the draws and the shuffle.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRng, rngFromKey, shuffleInPlace, type Rng } from '../../lib/stats/rng.ts';

/** SFC32 written independently with BigInt arithmetic mod 2^32: the known answer for the 32-bit JS version. */
function referenceSfc32(words: [number, number, number, number]): () => number {
  const M = (1n << 32n) - 1n;
  let [a, b, c, d] = words.map(BigInt);
  const step = (): number => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = (((c << 21n) | (c >> 11n)) + t) & M;
    return Number(t);
  };
  for (let i = 0; i < 12; i++) step();
  return step;
}

const draws = (rng: Rng, count: number) => Array.from({ length: count }, () => rng.next());

describe('seeding', () => {
  it('repeats the stream for the same numeric seed or key', () => {
    expect(draws(createRng(2024), 20)).toEqual(draws(createRng(2024), 20));
    expect(draws(rngFromKey('training-order|0|1|T0'), 20)).toEqual(draws(rngFromKey('training-order|0|1|T0'), 20));
  });

  it('gives another stream for another seed or key, and keys that differ in one character are unrelated', () => {
    const base = draws(rngFromKey('training-order|0|1|T0'), 20);
    for (const key of ['training-order|0|1|T1', 'training-order|1|1|T0', 'training-order|0|2|T0', 'random-folds|0|300']) {
      const other = draws(rngFromKey(key), 20);
      expect(other.filter((v, i) => v === base[i])).toEqual([]);
    }
    const seeded = draws(createRng(1), 20);
    expect(draws(createRng(2), 20).filter((v, i) => v === seeded[i])).toEqual([]);
  });

  it('rngFromKey: the state is the first 128 bits of SHA-256(key), little-endian words (platform-stable known answer)', () => {
    for (const key of ['', 'group-folds|0|16', 'training-order|3|0|CHEMBL203', 'ünïcode|ключ']) {
      const h = createHash('sha256').update(Buffer.from(key, 'utf8')).digest();
      const reference = referenceSfc32([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)]);
      const rng = rngFromKey(key);
      // int() without n is one raw 32-bit output word.
      for (let i = 0; i < 1000; i++) expect(rng.int()).toBe(reference());
    }
  });

  it('next() is (27 high bits · 2^26 + 26 high bits) / 2^53 of two consecutive words', () => {
    const h = createHash('sha256').update('abc').digest();
    const reference = referenceSfc32([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)]);
    const rng = rngFromKey('abc');
    for (let i = 0; i < 100; i++) {
      const high = reference() >>> 5;
      const low = reference() >>> 6;
      expect(rng.next()).toBe((high * 2 ** 26 + low) / 2 ** 53);
    }
  });

  it('refuses a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number/);
    expect(() => createRng(Infinity)).toThrow(RangeError);
  });
});

describe('uniform draws', () => {
  it.each([
    ['numeric seed', createRng(17)],
    ['text key', rngFromKey('uniformity')],
  ])('next() over 1e5 draws (%s): in [0, 1), mean 1/2, variance 1/12', (_, rng) => {
    const count = 100_000;
    let sum = 0;
    let sumSquares = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const u = rng.next();
      sum += u;
      sumSquares += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / count;
    const variance = sumSquares / count - mean * mean;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard errors: 0.289/√n ≈ 9e-4 for the mean, ≈ 2.4e-4 for the variance; bounds at > 5 SE.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.0015);
  });

  it('int(n) stays in 0..n-1, hits every value of a small range, and defaults to a 32-bit word', () => {
    const rng = rngFromKey('int-range');
    for (const n of [1, 2, 3, 7, 1000, 2 ** 31 + 1, 2 ** 32]) {
      const outside = Array.from({ length: 2000 }, () => rng.int(n)).filter((k) => !Number.isInteger(k) || k < 0 || k >= n);
      expect(outside).toEqual([]);
    }
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(7)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const words = Array.from({ length: 2000 }, () => rng.int());
    expect(Math.min(...words)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...words)).toBeLessThan(2 ** 32);
    expect(Math.max(...words)).toBeGreaterThan(2 ** 31); // the top bit is used
  });

  it('int(n) refuses n outside 1..2^32 or not an integer', () => {
    const rng = createRng(0);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => rng.int(n)).toThrow(/n must be an integer in 1\.\.2\^32/);
  });
});

describe('shuffleInPlace', () => {
  it('permutes plain and typed arrays in place and returns the same object', () => {
    const plain = Array.from({ length: 200 }, (_, i) => `x${i}`);
    const typed = Int32Array.from({ length: 200 }, (_, i) => i * 3);
    const floats = Float64Array.from({ length: 200 }, (_, i) => i / 7);
    const rng = rngFromKey('shuffle');
    for (const list of [plain, typed, floats] as const) {
      const before = Array.from(list as ArrayLike<unknown>);
      const after = shuffleInPlace(list, rng);
      expect(after).toBe(list);
      expect(Array.from(after as ArrayLike<unknown>)).not.toEqual(before);
      const sorted = (xs: unknown[]) => xs.map(String).sort();
      expect(sorted(Array.from(after as ArrayLike<unknown>))).toEqual(sorted(before));
    }
    expect(shuffleInPlace([], rng)).toEqual([]);
    expect(shuffleInPlace([5], rng)).toEqual([5]);
  });

  it('Rng.shuffle is the same shuffle as shuffleInPlace on the same stream', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(createRng(9).shuffle(items.slice())).toEqual(shuffleInPlace(items.slice(), createRng(9)));
    expect(Array.from(rngFromKey('k').shuffle(Int32Array.from(items)))).toEqual(shuffleInPlace(items.slice(), rngFromKey('k')));
  });

  it('draws each of the 3! orders with probability 1/6 (chi-square over 6 cells)', () => {
    const rng = rngFromKey('permutation-uniformity');
    const counts = new Map<string, number>();
    const trials = 30_000;
    for (let i = 0; i < trials; i++) {
      const key = shuffleInPlace([0, 1, 2], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    const expected = trials / 6;
    const chi2 = [...counts.values()].reduce((s, k) => s + (k - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.5); // 99.9% point of chi-square with 5 df
  });
});
