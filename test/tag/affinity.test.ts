import { describe, expect, it } from 'vitest';
import { PairwiseMean, affinityPairs, averageAffinities } from '../../lib/tag/affinity.ts';
import { probedPointOptions, probeResultFields } from '../../lib/lookahead/run.ts';

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

describe('point-spec probes ↔ driver', () => {
  it('maps PointSpec.probes to options and results to PointResult fields', () => {
    expect(probedPointOptions({ tag: { every: 5 }, lookahead: { probes: [0.5], steps: 10, delta: 64 } })).toEqual({
      tag: { every: 5 },
      lookahead: { probes: [0.5], steps: 10, delta: 64 },
    });
    expect(probedPointOptions(undefined)).toEqual({});
    const fields = probeResultFields({
      point: { metrics: {}, seconds: 1, backend: 'cpu', device: 'cpu', steps: 1, bestSteps: {}, stoppedEarly: false },
      tag: { z: { a: { b: 0.1 } }, seconds: 0.5, steps: 3 },
    });
    expect(fields).toEqual({ tag: { z: { a: { b: 0.1 } }, seconds: 0.5 } });
  });
});
