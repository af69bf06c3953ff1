// The snapshot-branch estimator against hand-computed cases (docs/methods.md, "Snapshot branches").
import { describe, expect, it } from 'vitest';
import { branchEstimates, type BranchReplicate } from '../../lib/lookahead/estimate.ts';
import type { LookaheadRecord } from '../../lib/types.ts';

// Target law: c = 0.9, gap at the snapshot 0.2; Δ rows of the target multiply the gap by e^(−a·Δ) = e^(−0.64), of
// source j by e^(−s·Δ) = e^(−0.32) (s = 0.005 with Δ = 64), and any added task (j or a placebo) by e^(+0.05): the
// generic effect of extra rows that the placebo correction removes.
const c = 0.9;
const gap = (logFactor: number) => c - 0.2 * Math.exp(logFactor);
const record = (jitter = 0): LookaheadRecord => ({
  target: 'i',
  base: gap(0),
  control: gap(0) + jitter,
  self: gap(-0.64) + jitter,
  sources: { j: gap(-0.32 + 0.05) + jitter, 'p~placebo': gap(0.05) + jitter, 'q~placebo': gap(0.05) + jitter },
});
const groups = ['f0s0', 'f1s0', 'f2s0', 'f3s0'];

describe('branchEstimates', () => {
  it('recovers s_ij = â_i·(L_j − L_placebo)/L_self exactly from noiseless readings', () => {
    const replicates: BranchReplicate[] = groups.map((group) => ({ group, record: record() }));
    const { estimates, failures } = branchEstimates(replicates, { params: { c, a: 0.01 } }, 0.05);
    expect(failures).toEqual([]);
    const j = estimates.find((e) => e.source === 'j')!;
    expect(j.s).toBeCloseTo(0.005, 12);
    expect(j.exchangeRate).toBeCloseTo(0.5, 12);
    expect(j.form).toBe('log');
    expect(j.readings.placebo).toBeCloseTo(gap(0.05), 12);
    // Each placebo copy against the other: no transfer.
    for (const p of ['p~placebo', 'q~placebo']) expect(estimates.find((e) => e.source === p)!.s).toBeCloseTo(0, 12);
  });

  it('jackknifes over replicates, leaving each out of the branch means and of the EXP3 fit', () => {
    // Identical readings in every replicate: all the spread comes from the fit's leave-one-out a.
    const replicates: BranchReplicate[] = groups.map((group) => ({ group, record: record() }));
    const leaveOutA = [0.009, 0.011, 0.0095, 0.0105];
    const { estimates } = branchEstimates(replicates, { params: { c, a: 0.01 }, jackknife: { groups, params: leaveOutA.map((a) => ({ c, a })) } }, 0.05);
    const j = estimates.find((e) => e.source === 'j')!;
    const theta = leaveOutA.map((a) => 0.5 * a);
    const mean = theta.reduce((s, t) => s + t, 0) / 4;
    const se = Math.sqrt((3 / 4) * theta.reduce((s, t) => s + (t - mean) ** 2, 0));
    expect(j.inference.groups).toBe(4);
    expect(j.inference.se).toBeCloseTo(se, 12);
    expect(j.inference.df).toBe(3);
    expect(j.inference.ci![0]).toBeLessThan(0.005);
    expect(j.inference.ci![1]).toBeGreaterThan(0.005);
  });

  it('falls back to the linear form when a reading reaches c (c cancels in the exchange rate)', () => {
    const replicates: BranchReplicate[] = groups.map((group) => ({ group, record: record() }));
    const low = { c: gap(-0.64) - 0.001, a: 0.01 }; // below the self branch's reading
    const j = branchEstimates(replicates, { params: low }, 0.05).estimates.find((e) => e.source === 'j')!;
    const r = record();
    expect(j.form).toBe('linear');
    expect(j.s).toBeCloseTo((0.01 * (r.sources.j! - r.sources['p~placebo']!)) / (r.self! - r.control!), 12);
  });

  it('gives no estimate, and says why, when the self branch did not beat the control', () => {
    const flat: BranchReplicate[] = groups.map((group) => ({ group, record: { ...record(), self: gap(0) } }));
    const out = branchEstimates(flat, { params: { c, a: 0.01 } }, 0.05);
    expect(out.estimates).toEqual([]);
    expect(out.failures[0].reason).toMatch(/did not raise its validation AUROC/);
    const noFit = branchEstimates(flat, { params: { c, a: 0 } }, 0.05);
    expect(noFit.failures[0].reason).toMatch(/no usable c and a/);
  });

  it('needs 4 replicates for an interval, as every replicate-level estimate', () => {
    const three: BranchReplicate[] = groups.slice(0, 3).map((group, k) => ({ group, record: record(0.001 * k) }));
    const j = branchEstimates(three, { params: { c, a: 0.01 } }, 0.05).estimates.find((e) => e.source === 'j')!;
    expect(j.inference.ci).toBeNull();
    expect(j.inference.note).toMatch(/at least 4/);
  });
});
