// Known answers: point results generated from EXP3.2 / joint laws with known transfer rates; the analysis must
// recover their signs, verdicts and values (intervals covering the truth).
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { enumeratePoints } from '../../lib/design/index.ts';
import { lawAuroc, pointResultsFromLaws, type TransferLaw } from '../../lib/synthetic/curveLaws.ts';
import { analyseRun } from '../../lib/transfer/index.ts';
import { analysedTasks } from '../../lib/transfer/observations.ts';

// Target → law. Every task has the same full size, so the contextual design puts each other task at the same
// f·256 and Σ_j s_ij·n_j = s̄_i·n_Σ: the contextual rate of task i is the mean of its pairwise rates.
const laws: Record<string, TransferLaw> = {
  A: { c: 0.9, b: Math.log(0.4), a: 0.01, s: { B: 0.006, C: 0.002 } }, // contextual +0.004
  B: { c: 0.85, b: Math.log(0.2), a: 0.01, s: { A: -0.0005, C: -0.0015 } }, // contextual −0.001
  C: { c: 0.8, b: Math.log(0.3), a: 0.008, s: { A: 0.001, B: -0.001 } }, // contextual 0
};
const contextualTruth: Record<string, number> = { A: 0.004, B: -0.001, C: 0 };

const config = parseRunConfig({
  split: { useFolds: [0, 1] },
  study: {
    designs: ['single', 'all', 'contextual', 'pairwise', 'random'],
    seeds: 4,
    randomRuns: 12,
    bootstrap: 40,
    alpha: 0.05,
    // Tasks of 256 rows: the default Δ (512) would leave every target without a job (lookaheadCoverage says so).
    lookahead: { n0: 64, delta: 64 },
  },
});
const available = [0, 1].flatMap((fold) => ['A', 'B', 'C'].map((task) => ({ split: 'random' as const, fold, task, nTrain: 256 })));
const plan = enumeratePoints(config, available);
// TAG scores ordered like the true rates; the snapshot branches read from the laws themselves.
const truthMatrix = (sign: number) => Object.fromEntries(['A', 'B', 'C'].map((source) => [source, Object.fromEntries(Object.entries(laws).filter(([t]) => t !== source).map(([t, law]) => [t, sign * law.s[source]]))]));
const results = pointResultsFromLaws(plan.points, laws, { noise: 0.004, seed: 4, tag: truthMatrix(1) });
const { curves, transfer } = analyseRun({ runId: 'laws', config, points: plan.points, results, caps: plan.caps });

const inside = (value: number, [lo, hi]: [number, number]) => lo <= value && value <= hi;
const pairTruth = (e: { source: string; target: string }) => laws[e.target].s[e.source];

describe('analysis of results from known laws', () => {
  it('recovers the contextual rates: signs, verdicts, values and exchange rates', () => {
    expect(transfer.contextual.map((c) => c.task)).toEqual(['A', 'B', 'C']);
    const byTask = Object.fromEntries(transfer.contextual.map((c) => [c.task, c]));
    expect(byTask.A.verdict).toBe('positive');
    expect(byTask.B.verdict).toBe('negative');
    expect(byTask.C.verdict).toBe('none');
    expect(byTask.A.p).toBeLessThan(1e-6);
    expect(byTask.B.p).toBeLessThan(1e-6);
    expect(byTask.C.p).toBeGreaterThan(config.study.alpha);
    for (const task of ['A', 'B', 'C']) {
      const c = byTask[task];
      expect(Math.abs(c.s - contextualTruth[task])).toBeLessThan(1e-4);
      expect(c.a).toBeCloseTo(laws[task].a, 3);
      expect(c.exchangeRate).toBeCloseTo(c.s / c.a, 12);
      expect(c.ci![0]).toBeLessThan(c.ci![1]);
      expect(c.exchangeRateCi![0]).toBeLessThan(c.exchangeRateCi![1]);
      expect(c.aCi![0]).toBeLessThan(laws[task].a * 1.05);
      expect(c.aCi![1]).toBeGreaterThan(laws[task].a * 0.95);
      expect(c.inference).toMatchObject({ groups: 8, df: 7 });
    }
  });

  it('recovers every pairwise rate from the pairwise grid and from the joint fit of the random design', () => {
    // The random design estimates K − 1 rates per target from 12 runs: less precise than the pairwise grid.
    for (const [design, tolerance] of [['pairwise', 0.1], ['random', 0.2]] as const) {
      const entries = transfer.pairwise.filter((p) => p.design === design);
      expect(entries.map((e) => `${e.source}>${e.target}`).sort()).toEqual(['A>B', 'A>C', 'B>A', 'B>C', 'C>A', 'C>B']);
      for (const e of entries) {
        const truth = pairTruth(e);
        expect(e.verdict, `${design} ${e.source}→${e.target}`).toBe(truth > 0 ? 'positive' : 'negative');
        expect(Math.abs(e.s - truth), `${design} ${e.source}→${e.target}: ${e.s} vs ${truth}`).toBeLessThan(tolerance * Math.abs(truth));
        expect(e.exchangeRate).toBeCloseTo(e.s / e.a!, 12);
      }
    }
  });

  it('gives replicate-level intervals that cover the true rates (95% t intervals over 8 replicates)', () => {
    const intervals = [
      ...transfer.contextual.map((c) => inside(contextualTruth[c.task], c.ci!)),
      ...transfer.pairwise.map((e) => inside(pairTruth(e), e.ci!)),
    ];
    expect(intervals).toHaveLength(15);
    // 15 intervals at 95%: P(≥ 13 cover) ≈ 0.96 when calibrated.
    expect(intervals.filter(Boolean).length).toBeGreaterThanOrEqual(13);
  });

  it('shows where multi-task training helps: the single-vs-all gap follows the law', () => {
    const gapA = transfer.singleVsAll.find((g) => g.task === 'A')!;
    const at16 = gapA.byN.find((r) => r.n === 16)!;
    // all-task point at n = 16: A at 16 with B and C at 16.
    const expected = lawAuroc(laws.A, 'A', { A: 16, B: 16, C: 16 }) - lawAuroc(laws.A, 'A', { A: 16 });
    expect(at16.gap).toBeCloseTo(expected, 2);
    expect(at16.singleObserved).toBeCloseTo(lawAuroc(laws.A, 'A', { A: 16 }), 2);
    const gapB = transfer.singleVsAll.find((g) => g.task === 'B')!;
    expect(gapB.byN.every((r) => r.gap! < 0)).toBe(true);
  });

  it('writes every fit and observation, with intervals over fold × seed groups', () => {
    // 3 single + 3 all + 3 contextual + 6 pairwise + 3 joint
    expect(curves.fits).toHaveLength(18);
    expect(curves.fits.every((f) => f.status === 'ok' && f.jackknife?.groups.length === 8)).toBe(true);
    // The EXP3 curves carry bootstrap intervals (their bands); transfer fits are not bootstrapped.
    expect(curves.fits.filter((f) => f.model === 'exp3').every((f) => f.ci && !f.ciError)).toBe(true);
    expect(curves.fits.filter((f) => f.model !== 'exp3').every((f) => !f.ci)).toBe(true);
    const singleA = curves.fits.find((f) => f.task === 'A' && f.design === 'single')!;
    expect(singleA.params.a).toBeCloseTo(laws.A.a, 3);
    // One observation per analysed task of a point: all of an `all`/`random`/single point's, a contextual or
    // pairwise point's focus only (its other tasks' metrics feed no curve).
    const observed = results.reduce((s, r) => s + analysedTasks(r.spec).filter((t) => r.metrics[t]).length, 0);
    expect(curves.observations).toHaveLength(observed);
    const contextual = results.find((r) => r.spec.uses?.every((u) => u.design === 'contextual'));
    if (contextual) expect(curves.observations.filter((o) => o.pointId === contextual.id).map((o) => o.task)).toEqual([contextual.spec.uses![0].focus]);
    expect(new Set(curves.comparison.map((c) => c.model))).toEqual(new Set(['exp3', 'pow3', 'pow4', 'mmf4', 'last1']));
    const exp3 = curves.comparison.filter((c) => c.model === 'exp3');
    expect(exp3.every((c) => c.heldOutMse !== null && c.heldOutMse < 1e-3)).toBe(true);
  });

  it('the snapshot branches recover s_ij on the pairwise scale', () => {
    // Branch readings from the laws (lawBranches): ŝ_ij = â_i·log g_j / log g_self = s_ij up to noise and â_i.
    const real = transfer.lookahead.filter((l) => !l.placebo);
    expect(real).toHaveLength(6);
    for (const l of real) {
      const truth = pairTruth(l);
      // Reading noise 0.004 AUROC over 8 replicates: an SE of ~3e-4 on ŝ; within 3 SE of the truth, its CI covers it.
      expect(Math.abs(l.s - truth)).toBeLessThan(3 * l.inference.se!);
      expect(l.inference.se!).toBeLessThan(5e-4);
      expect(l.exchangeRate).toBeCloseTo(l.s / curves.fits.find((f) => f.task === l.target && f.design === 'single')!.params.a, 9);
      expect(l.form).toBe('log');
      expect(l.inference.groups).toBe(8);
      expect(l.ci![0]).toBeLessThan(truth);
      expect(l.ci![1]).toBeGreaterThan(truth);
    }
    const called = (source: string, target: string) => real.find((l) => l.source === source && l.target === target)!.verdict;
    expect(called('B', 'A')).toBe('positive');
    expect(called('C', 'B')).toBe('negative');
    // This plan has no placebo copies (test/lookahead/estimate.test.ts has them): no correction, no placebo rows.
    expect(real.every((l) => l.readings.placebo === null)).toBe(true);
    expect(transfer.lookahead.filter((l) => l.placebo)).toEqual([]);
    // The comparison: the branches agree with the pairwise grid within every target, at a fraction of its cost.
    const rows = Object.fromEntries(transfer.comparison!.rows.map((r) => [r.name, r]));
    expect(transfer.comparison!.reference).toBe('pairwise');
    expect(rows.lookahead.rho).toBeGreaterThan(0.9);
    expect(rows.lookahead.scale).toBeCloseTo(1, 1); // on the curves' scale (branches read from the laws)
    expect(rows.lookahead.seconds).toBe(transfer.cost.lookahead.seconds + transfer.cost.single.seconds);
    expect(rows.tag.withinTarget.targets).toBe(0); // 2 sources per target: too few for a within-target ρ
  });

  it('ranks agree with the scores they were built from', () => {
    expect(transfer.agreement.pairwise_vs_tag).toEqual({ rho: 1, pairs: 6 });
    expect(transfer.agreement.pairwise_vs_lookahead.rho).toBeGreaterThan(0.9);
    expect(transfer.agreement.pairwise_vs_random.rho).toBeGreaterThan(0.9);
    expect(transfer.tag).toHaveLength(6);
    expect(transfer.tag.find((t) => t.source === 'B' && t.target === 'A')!.z).toBeCloseTo(0.006, 12);
    expect(transfer.tagGroups?.method).toBe('exact');
  });

  it('charges compute seconds to each approach', () => {
    const pairwisePoints = plan.points.filter((p) => p.uses!.some((u) => u.design === 'pairwise')).length;
    expect(transfer.cost.pairwise).toEqual({ seconds: pairwisePoints, points: pairwisePoints, device: 'synthetic', backend: 'synthetic' });
    expect(transfer.cost.random.points).toBe(12 * 2 * 4);
    expect(transfer.cost.tag).toMatchObject({ seconds: 0.5 * 8, points: 8 });
    expect(transfer.cost.lookahead.points).toBe(3 * 8);
    expect(transfer.cost.total.points).toBe(plan.points.length);
    expect(transfer.missingPoints).toEqual([]);
    expect(transfer.failed).toEqual([]);
  });
});

describe('analysis with missing and unusable points', () => {
  const small = parseRunConfig({ split: { useFolds: [0] }, study: { designs: ['single', 'contextual'], seeds: 1, bootstrap: 20, tag: { enabled: false }, lookahead: { enabled: false } } });
  const smallPlan = enumeratePoints(small, available.filter((a) => a.fold === 0));
  const all = pointResultsFromLaws(smallPlan.points, laws, { noise: 0.002, seed: 3 });
  // Drop every single-task point of C but the first: its curve has one point.
  const dropped = smallPlan.points.filter((p) => Object.keys(p.sizes).join() === 'C').slice(1).map((p) => p.id);
  const stray = { ...all[0], id: 'not-planned' };
  const kept = [...all.filter((r) => !dropped.includes(r.id)), stray];
  const { curves, transfer } = analyseRun({ runId: 'gaps', config: small, points: smallPlan.points, results: kept });

  it('lists the planned points without a result and the results outside the plan', () => {
    expect(transfer.missingPoints.filter((m) => m.reason.startsWith('no result')).map((m) => m.pointId).sort()).toEqual([...dropped].sort());
    expect(transfer.missingPoints.find((m) => m.pointId === 'not-planned')?.reason).toMatch(/not part of this plan/);
  });

  it("keeps a fit that cannot be made as status 'failed' with the reason", () => {
    const singleC = curves.fits.find((f) => f.task === 'C' && f.design === 'single')!;
    expect(singleC.status).toBe('failed');
    expect(singleC.error).toMatch(/only 1 point|parameters/);
  });

  it('says why a fit from one replicate group has no interval', () => {
    const singleA = curves.fits.find((f) => f.task === 'A' && f.design === 'single')!;
    expect(singleA.status).toBe('ok');
    expect(singleA.ci).toBeUndefined();
    expect(singleA.ciError).toMatch(/1 replicate group/);
    const contextualA = transfer.contextual.find((c) => c.task === 'A')!;
    expect(contextualA.ci).toBeNull();
    expect(contextualA.verdict).toBeNull();
    expect(contextualA.inference).toMatchObject({ groups: 1, note: expect.stringMatching(/^1 replicate group \(fold × seed\): a jackknife needs 2 or more/) });
  });
});
