import { describe, expect, it } from 'vitest';
import { groupScore, groupTasks } from '../../lib/tag/grouping.ts';
import type { AffinityMatrix } from '../../lib/tag/affinity.ts';
import { ComputationError } from '../../lib/errors.ts';

/** Builds an affinity record from a dense matrix m[source][target]. */
function record(names: string[], m: number[][]): AffinityMatrix {
  const out: AffinityMatrix = {};
  names.forEach((s, j) => {
    out[s] = {};
    names.forEach((t, i) => {
      if (i !== j) out[s][t] = m[j][i];
    });
  });
  return out;
}

/** Every partition of 0..k-1 into at most g blocks (restricted growth strings): an independent brute force. */
function* partitions(k: number, g: number): Generator<number[][]> {
  const label = new Array<number>(k).fill(0);
  function* rec(pos: number, used: number): Generator<number[][]> {
    if (pos === k) {
      const blocks: number[][] = Array.from({ length: used }, () => []);
      label.forEach((b, i) => blocks[b].push(i));
      yield blocks;
      return;
    }
    for (let b = 0; b <= Math.min(used, g - 1); b++) {
      label[pos] = b;
      yield* rec(pos + 1, Math.max(used, b + 1));
    }
  }
  yield* rec(0, 0);
}

function bruteForceBest(m: number[][], g: number): number {
  const a = m.map((row) => Float64Array.from(row));
  let best = -Infinity;
  for (const p of partitions(m.length, g)) best = Math.max(best, p.reduce((s, b) => s + groupScore(a, b), 0));
  return best;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const sortGroups = (groups: string[][]) => groups.map((g) => [...g].sort()).sort((x, y) => x[0].localeCompare(y[0]));

describe('groupScore', () => {
  it('is the per-member mean affinity from the others, summed (hand-computed)', () => {
    // a[j][i] = A[j→i]. Group {0,1,2}:
    // task 0 receives (a[1][0] + a[2][0]) / 2 = (0.2 + 0.4) / 2 = 0.3
    // task 1 receives (a[0][1] + a[2][1]) / 2 = (0.1 - 0.1) / 2 = 0
    // task 2 receives (a[0][2] + a[1][2]) / 2 = (0.3 + 0.5) / 2 = 0.4       total 0.7
    const a = [
      [0, 0.1, 0.3],
      [0.2, 0, 0.5],
      [0.4, -0.1, 0],
    ].map((r) => Float64Array.from(r));
    expect(groupScore(a, [0, 1, 2])).toBeCloseTo(0.7, 12);
    // {0,2}: a[2][0] + a[0][2] = 0.4 + 0.3 = 0.7 (divided by |S|-1 = 1)
    expect(groupScore(a, [0, 2])).toBeCloseTo(0.7, 12);
    expect(groupScore(a, [1])).toBe(0);
  });
});

describe('groupTasks (exact)', () => {
  it('recovers a planted partition with a known best score', () => {
    // Two blocks {a,b,c} and {d,e}: 0.5 inside, -0.2 across. Best: the two blocks,
    // score = 3 tasks × 0.5 + 2 tasks × 0.5 = 2.5.
    const names = ['a', 'b', 'c', 'd', 'e'];
    const block = [0, 0, 0, 1, 1];
    const m = names.map((_, j) => names.map((__, i) => (i === j ? 0 : block[i] === block[j] ? 0.5 : -0.2)));
    const result = groupTasks(record(names, m));
    expect(result.method).toBe('exact');
    expect(result.score).toBeCloseTo(2.5, 12);
    expect(sortGroups(result.groups)).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('respects maxGroups: with one group allowed, everything is together', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const block = [0, 0, 0, 1, 1];
    const m = names.map((_, j) => names.map((__, i) => (i === j ? 0 : block[i] === block[j] ? 0.5 : -0.2)));
    const result = groupTasks(record(names, m), { maxGroups: 1 });
    expect(result.groups).toHaveLength(1);
    // Each task: mean over 4 others. a,b,c: (2×0.5 + 2×(-0.2))/4 = 0.15; d,e: (1×0.5 + 3×(-0.2))/4 = -0.025.
    expect(result.score).toBeCloseTo(3 * 0.15 + 2 * -0.025, 12);
  });

  it('matches brute-force enumeration of every partition on random asymmetric matrices', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 6; trial++) {
      const k = 4 + (trial % 4); // 4..7 tasks
      const names = Array.from({ length: k }, (_, i) => `t${i}`);
      const m = names.map((_, j) => names.map((__, i) => (i === j ? 0 : rand() * 2 - 1)));
      for (const g of [1, 2, 3, k]) {
        const result = groupTasks(record(names, m), { maxGroups: g });
        expect(result.groups.length).toBeLessThanOrEqual(g);
        expect(result.groups.flat().sort()).toEqual([...names].sort());
        const a = m.map((r) => Float64Array.from(r));
        const recomputed = result.groups.reduce((s, grp) => s + groupScore(a, grp.map((t) => names.indexOf(t))), 0);
        expect(result.score).toBeCloseTo(recomputed, 10);
        expect(result.score).toBeCloseTo(bruteForceBest(m, g), 10);
      }
    }
  });

  it('rejects a non-finite affinity, naming the pair', () => {
    expect(() => groupTasks({ a: { b: Number.NaN }, b: { a: 0 } })).toThrow(/a → b/);
    expect(() => groupTasks({ a: { b: 1 }, b: { a: 0 } }, { maxGroups: 0 })).toThrow(ComputationError);
  });
});

describe('groupTasks (clustering beyond the exact limit)', () => {
  it('recovers three planted groups of four tasks among 12', () => {
    const rand = lcg(3);
    const names = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const block = names.map((_, i) => [2, 0, 1][i % 3]);
    const m = names.map((_, j) => names.map((__, i) => (i === j ? 0 : (block[i] === block[j] ? 0.4 : -0.1) + 0.05 * (rand() - 0.5))));
    const result = groupTasks(record(names, m));
    expect(result.method).toBe('clustering');
    const expected = [0, 1, 2].map((b) => names.filter((_, i) => block[i] === b));
    expect(sortGroups(result.groups)).toEqual(sortGroups(expected));
  });
});
