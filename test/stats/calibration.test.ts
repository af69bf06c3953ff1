// The calibration study, small (npm run calibrate runs it large): replicates whose deviations are random walks
// along n_j make the pooled F-test reject a true s = 0 far too often; the replicate-level jackknife t holds α.
import { describe, expect, it } from 'vitest';
import { bhQValues } from '../../lib/stats/bh.ts';
import { tCritical, tTwoSidedP } from '../../lib/stats/tdist.ts';
import { replicateInference } from '../../lib/curves/replicates.ts';
import { calibrate, nullFamilies, simulatePairwiseStudy } from '../../lib/synthetic/calibration.ts';

describe('t distribution from F', () => {
  it('matches tabulated values', () => {
    expect(tCritical(0.05, 4)).toBeCloseTo(2.776445, 5); // scipy.stats.t.ppf(0.975, 4)
    expect(tCritical(0.05, 9)).toBeCloseTo(2.262157, 5);
    expect(tTwoSidedP(2.776445, 4)).toBeCloseTo(0.05, 6);
    expect(tTwoSidedP(0, 4)).toBeCloseTo(1, 12);
  });
});

describe('Benjamini–Hochberg q-values', () => {
  it('match a hand-computed family and leave missing p-values out', () => {
    // sorted p: .01 .02 .03 .04 (m = 4): p·m/k = .04 .04 .04 .04
    expect(bhQValues([0.04, 0.01, null, 0.03, 0.02])).toEqual([0.04, 0.04, null, 0.04, 0.04]);
    // .001·3/1 = .003; .2·3/2 = .3; .5·3/3 = .5
    const q = bhQValues([0.5, 0.001, 0.2]);
    expect(q[0]).toBeCloseTo(0.5, 12);
    expect(q[1]).toBeCloseTo(0.003, 12);
    expect(q[2]).toBeCloseTo(0.3, 12);
  });
});

describe('replicate-level inference of a transfer rate', () => {
  it('gives no verdict with fewer than 4 replicates', () => {
    const r = replicateInference('pairwise', simulatePairwiseStudy({ s: 0, groups: 3, walk: 0.004, noise: 0.01 }, 3), 's');
    expect(r.p).toBeNull();
    expect(r.ci).toBeNull();
    expect(r.note).toMatch(/^3 replicate group\(s\) \(fold × seed\): at least 4/);
  });

  it('holds its level where the pooled F-test does not, and its interval covers the true rate', () => {
    const [nul, effect] = calibrate(
      [
        { s: 0, groups: 5, walk: 0.005, noise: 0.01 },
        { s: 1 / 1500, groups: 5, walk: 0.005, noise: 0.01 },
      ],
      30,
    );
    // Measured at 200 studies per case (npm run calibrate): pooled F type-I 0.16–0.34 with walks, jackknife t 0.02–0.085.
    expect(nul.pooledF.rejectRate).toBeGreaterThan(0.1);
    expect(nul.jackknife.rejectRate).toBeLessThanOrEqual(0.15);
    expect(effect.jackknife.rejectRate).toBeGreaterThan(0.9);
    expect(effect.jackknife.coverage!).toBeGreaterThanOrEqual(0.8);
  });

  it('calls almost no pair of unrelated tasks after FDR control, where the pooled F-test calls many', () => {
    const r = nullFamilies({ s: 0, groups: 5, walk: 0.005, noise: 0.01 }, 6, 20);
    expect(r.pooledFShare).toBeGreaterThan(0.1);
    expect(r.fdrShare).toBeLessThanOrEqual(0.05);
    expect(r.fdrShare).toBeLessThanOrEqual(r.jackknifeShare);
  });
});
