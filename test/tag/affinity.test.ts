import { describe, expect, it } from 'vitest';
import { PairwiseMean, affinityPairs, averageAffinities } from '../../lib/tag/affinity.ts';
import { phaseOfEpoch } from '../../lib/tag/hooks.ts';

describe('PairwiseMean', () => {
  it('averages each pair over the probes that define it', () => {
    const mean = new PairwiseMean(['a', 'b', 'c']);
    mean.add([
      [null, 0.2, null],
      [0.1, null, 0.4],
      [null, null, null],
    ]);
    mean.add([
      [null, 0.4, 0.3],
      [null, null, 0.0],
      [-0.2, null, null],
    ]);
    // a→b: (0.2 + 0.4)/2; a→c: 0.3 (one probe); b→a: 0.1; b→c: (0.4 + 0)/2; c→a: −0.2; c→b never defined.
    const m = mean.mean();
    expect(Object.keys(m.c)).toEqual(['a']);
    expect(m.a.b).toBeCloseTo(0.3, 12);
    expect(m.a.c).toBeCloseTo(0.3, 12);
    expect(m.b.a).toBeCloseTo(0.1, 12);
    expect(m.b.c).toBeCloseTo(0.2, 12);
    expect(m.c.a).toBeCloseTo(-0.2, 12);
    expect(mean.pairCounts()).toEqual({ a: { b: 2, c: 1 }, b: { a: 1, c: 2 }, c: { a: 1 } });
    expect(mean.steps).toBe(2);
  });
});

describe('averageAffinities / affinityPairs', () => {
  it('averages over the matrices that hold a pair and lists pairs in order', () => {
    const avg = averageAffinities([{ b: { a: 1 }, a: { b: 0.5 } }, { a: { b: 1.5, c: 2 } }]);
    expect(avg).toEqual({ b: { a: 1 }, a: { b: 1, c: 2 } });
    expect(affinityPairs(avg)).toEqual([
      { source: 'a', target: 'b', value: 1 },
      { source: 'a', target: 'c', value: 2 },
      { source: 'b', target: 'a', value: 1 },
    ]);
  });
});

describe('phaseOfEpoch', () => {
  it('doubles the phases: {0}, {1, 2}, {3–6}, {7–14}', () => {
    expect([0, 1, 2, 3, 6, 7, 14, 15].map((e) => phaseOfEpoch(e))).toEqual([
      { phase: 0, from: 0, to: 0 },
      { phase: 1, from: 1, to: 2 },
      { phase: 1, from: 1, to: 2 },
      { phase: 2, from: 3, to: 6 },
      { phase: 2, from: 3, to: 6 },
      { phase: 3, from: 7, to: 14 },
      { phase: 3, from: 7, to: 14 },
      { phase: 4, from: 15, to: 30 },
    ]);
  });
});
