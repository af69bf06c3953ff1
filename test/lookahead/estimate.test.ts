// The snapshot-branch estimator against hand-computed cases (docs/methods.md, "Snapshot branches").
import { describe, expect, it } from 'vitest';
import { branchEstimates, type TargetBranches } from '../../lib/lookahead/estimate.ts';
import type { LookaheadRecord } from '../../lib/types.ts';

// Two targets, Δ = 64. The readings are built from log-gaps L_x = log((c − P_x)/(c − P_control)):
//   i1: c 0.9, a 0.01, control gap 0.2;  i2: c 0.85, a 0.02, control gap 0.15.
// A branch of efficiency φ turns the curve's gain e^(−rate·Δ) into e^(−φ·rate·Δ); every added task (a source or a
// placebo copy) also shifts L by +0.05, the generic effect the placebo correction removes.
const DELTA = 64;
const GENERIC = 0.05;
const reading = (c: number, gap: number, L: number) => c - gap * Math.exp(L);
function target(name: string, c: number, a: number, gap: number, phi: number, sources: Record<string, number>, groups: string[]): TargetBranches {
  const record: LookaheadRecord = {
    target: name,
    base: reading(c, gap, 0),
    control: reading(c, gap, 0),
    self: reading(c, gap, -phi * a * DELTA),
    sources: {
      ...Object.fromEntries(Object.entries(sources).map(([s, rate]) => [s, reading(c, gap, -phi * rate * DELTA + GENERIC)])),
      'p~placebo': reading(c, gap, GENERIC),
      'q~placebo': reading(c, gap, GENERIC),
    },
  };
  // Refits without each replicate equal to the full fit unless a test says otherwise.
  return { target: name, replicates: groups.map((group) => ({ group, record })), curve: { params: { c, a }, jackknife: { groups, params: groups.map(() => ({ c, a })) } } };
}
const groups = ['f0s0', 'f1s0', 'f2s0', 'f3s0'];
const find = (out: ReturnType<typeof branchEstimates>, source: string, targetName: string) => out.estimates.find((e) => e.source === source && e.target === targetName)!;

describe('branchEstimates', () => {
  it('recovers s_ij = −(L_j − L_placebo)/(φ̂·Δ) exactly when every branch has the same efficiency', () => {
    const out = branchEstimates([target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups), target('i2', 0.85, 0.02, 0.15, 0.5, { k: -0.004 }, groups)], DELTA, 0.05);
    expect(out.failures).toEqual([]);
    expect(out.efficiency!.pooled).toBeCloseTo(0.5, 12);
    expect(find(out, 'j', 'i1').s).toBeCloseTo(0.005, 12);
    expect(find(out, 'k', 'i2').s).toBeCloseTo(-0.004, 12);
    expect(find(out, 'j', 'i1').exchangeRate).toBeCloseTo(0.5, 12);
    expect(find(out, 'j', 'i1').form).toBe('log');
    expect(find(out, 'j', 'i1').readings.placebo).toBeCloseTo(reading(0.9, 0.2, GENERIC), 12);
    // Each placebo copy against the other: no transfer.
    for (const t of ['i1', 'i2']) for (const p of ['p~placebo', 'q~placebo']) expect(find(out, p, t).s).toBeCloseTo(0, 12);
  });

  it('pools the efficiency over targets: φ̂ = Σ L_self / Σ(−a·Δ)', () => {
    // φ 0.4 and 0.6: φ̂ = (0.4·0.64 + 0.6·1.28)/(0.64 + 1.28) = 0.533…; ŝ(j → i1) = 0.4·0.005·64/(φ̂·64) = 0.00375.
    const out = branchEstimates([target('i1', 0.9, 0.01, 0.2, 0.4, { j: 0.005 }, groups), target('i2', 0.85, 0.02, 0.15, 0.6, { k: -0.004 }, groups)], DELTA, 0.05);
    expect(out.efficiency!.pooled).toBeCloseTo(1.024 / 1.92, 12);
    expect(out.efficiency!.byTarget.i1).toBeCloseTo(0.4, 12);
    expect(out.efficiency!.byTarget.i2).toBeCloseTo(0.6, 12);
    expect(find(out, 'j', 'i1').s).toBeCloseTo(0.00375, 12);
  });

  it('jackknifes over replicates, leaving each out of every target and of the EXP3 fits', () => {
    // Identical readings in every replicate; i1's fit without replicate g has a_g: φ̂_(g) = 0.96/(64·(a_g + 0.02)),
    // so ŝ_(g)(j → i1) = 0.16/(64·φ̂_(g)) = (0.16/0.96)·(a_g + 0.02).
    const leaveOutA = [0.009, 0.011, 0.0095, 0.0105];
    const i1 = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups);
    i1.curve.jackknife = { groups, params: leaveOutA.map((a) => ({ c: 0.9, a })) };
    const j = find(branchEstimates([i1, target('i2', 0.85, 0.02, 0.15, 0.5, { k: -0.004 }, groups)], DELTA, 0.05), 'j', 'i1');
    const theta = leaveOutA.map((a) => (0.16 / 0.96) * (a + 0.02));
    const mean = theta.reduce((s, t) => s + t, 0) / 4;
    const se = Math.sqrt((3 / 4) * theta.reduce((s, t) => s + (t - mean) ** 2, 0));
    expect(j.inference).toMatchObject({ groups: 4, df: 3 });
    expect(j.inference.se).toBeCloseTo(se, 12);
    expect(j.inference.ci![0]).toBeLessThan(0.005);
    expect(j.inference.ci![1]).toBeGreaterThan(0.005);
  });

  it('adds the variance between placebo copies, which the replicates do not show (Welch–Satterthwaite df)', () => {
    // One target, φ = 0.5; the copies read L = 0.05 ± 0.02 in every replicate: v = 0.0008, and the correction's mean
    // over 2 copies adds v/2/(φ̂Δ)² = 0.0004/32² to a real source's variance. The fit's refits give a jackknife SE.
    const t = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups);
    const leaveOutA = [0.009, 0.011, 0.0095, 0.0105];
    t.curve.jackknife = { groups, params: leaveOutA.map((a) => ({ c: 0.9, a })) };
    for (const r of t.replicates) r.record = { ...r.record, sources: { ...r.record.sources, 'p~placebo': reading(0.9, 0.2, GENERIC + 0.02), 'q~placebo': reading(0.9, 0.2, GENERIC - 0.02) } };
    const out = branchEstimates([t], DELTA, 0.05);
    const j = find(out, 'j', 'i1');
    expect(j.s).toBeCloseTo(0.005, 12);
    const theta = leaveOutA.map((a) => 0.5 * a); // ŝ_(g) = 0.16/(64·φ̂_(g)), φ̂_(g) = 0.32/(64·a_g)
    const m = theta.reduce((a, b) => a + b, 0) / 4;
    const jack2 = (3 / 4) * theta.reduce((a, x) => a + (x - m) ** 2, 0);
    const copies = 0.0004 / 32 ** 2;
    expect(j.inference.se!).toBeCloseTo(Math.sqrt(jack2 + copies), 12);
    expect(j.inference.df!).toBeCloseTo((jack2 + copies) ** 2 / (jack2 ** 2 / 3 + copies ** 2 / 1), 9);
    // A copy against the other: v·(1 + 1/1)/32² from the copies; its estimate is ∓0.04/32.
    const p = find(out, 'p~placebo', 'i1');
    expect(p.s).toBeCloseTo(-0.04 / 32, 12);
    expect(p.inference.se!).toBeGreaterThan(Math.sqrt((0.0008 * 2) / 32 ** 2));
  });

  it('leaves each replicate out of the branch means', () => {
    // Replicate f0s0 reads source j 0.02 higher; without it the other three agree on the exact rate.
    const reps = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups);
    const shifted = reps.replicates[0].record;
    reps.replicates[0] = { group: 'f0s0', record: { ...shifted, sources: { ...shifted.sources, j: shifted.sources.j! + 0.02 } } };
    const other = target('i2', 0.85, 0.02, 0.15, 0.5, { k: -0.004 }, groups);
    const j = find(branchEstimates([reps, other], DELTA, 0.05), 'j', 'i1');
    // Leave-out values: f0s0 out → 0.005 exactly; any other out → the mean with the shifted reading (2 of 3 plain).
    const P = (L: number) => reading(0.9, 0.2, L);
    const sOf = (pj: number) => -(Math.log((0.9 - pj) / 0.2) - GENERIC) / (0.5 * DELTA);
    const withShift = sOf(P(-0.5 * 0.005 * DELTA + GENERIC) + 0.02 / 3); // mean of 3 replicates, one shifted
    const theta = [0.005, withShift, withShift, withShift];
    const m = theta.reduce((a, b) => a + b, 0) / 4;
    expect(j.inference.se).toBeCloseTo(Math.sqrt((3 / 4) * theta.reduce((a, t) => a + (t - m) ** 2, 0)), 9);
  });

  it('pairs every difference: a source missing from one replicate is left out; a lone placebo has no control row', () => {
    const t = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005, k: 0.001 }, groups);
    const first = t.replicates[0].record;
    const { k: _dropped, 'q~placebo': _q, ...rest } = first.sources;
    t.replicates[0] = { group: 'f0s0', record: { ...first, sources: rest } };
    const out = branchEstimates([t], DELTA, 0.05);
    expect(out.estimates.map((e) => e.source)).toEqual(['j']);
    expect(find(out, 'j', 'i1').readings.placebo).toBeCloseTo(reading(0.9, 0.2, GENERIC), 12);
  });

  it('gives no interval when a single-task fit has no refits (its c and a would be held fixed)', () => {
    const t = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups);
    delete t.curve.jackknife;
    const j = find(branchEstimates([t], DELTA, 0.05), 'j', 'i1');
    expect(j.s).toBeCloseTo(0.005, 12);
    expect(j.inference.ci).toBeNull();
    expect(j.inference.note).toMatch(/single-task fit of i1 has no leave-one-replicate-out refits/);
  });

  it('reads a target to first order in the gap when a reading reaches its c', () => {
    const i1 = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups);
    const r = i1.replicates[0].record;
    const c = r.self! - 0.001; // the self branch reads above c
    i1.curve.params.c = c;
    i1.curve.jackknife!.params.forEach((p) => (p.c = c));
    const out = branchEstimates([i1], DELTA, 0.05);
    const L = (p: number) => -(p - r.control!) / (c - r.control!);
    expect(find(out, 'j', 'i1').form).toBe('linear');
    expect(out.efficiency!.pooled).toBeCloseTo(L(r.self!) / (-0.01 * DELTA), 12);
    expect(find(out, 'j', 'i1').s).toBeCloseTo(-(L(r.sources.j!) - L(r.sources['p~placebo']!)) / (out.efficiency!.pooled * DELTA), 12);
  });

  it('says why there is no estimate: no self gain on the whole, a target without a usable curve', () => {
    const flat = target('i1', 0.9, 0.01, 0.2, 0, { j: 0.005 }, groups);
    const none = branchEstimates([flat], DELTA, 0.05);
    expect(none.estimates).toEqual([]);
    expect(none.failures[0].reason).toMatch(/did not raise their validation AUROC on the whole/);
    const noCurve = target('i2', 0.85, 0, 0.15, 0.5, { k: 0.001 }, groups);
    const out = branchEstimates([target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups), noCurve], DELTA, 0.05);
    expect(out.failures).toEqual([{ target: 'i2', reason: expect.stringMatching(/no usable readings or single-task curve/) }]);
    expect(out.estimates.every((e) => e.target === 'i1')).toBe(true);
  });

  it('needs 4 replicates for an interval, as every replicate-level estimate', () => {
    const three = target('i1', 0.9, 0.01, 0.2, 0.5, { j: 0.005 }, groups.slice(0, 3));
    three.replicates[1] = { ...three.replicates[1], record: { ...three.replicates[1].record, self: three.replicates[1].record.self! + 0.002 } };
    const j = find(branchEstimates([three], DELTA, 0.05), 'j', 'i1');
    expect(j.inference.ci).toBeNull();
    expect(j.inference.note).toMatch(/at least 4/);
  });
});
