// The analysis split into the Fit step (fitRun: every curve fitted once) and the Transfer step (deriveTransfer:
// transfer.json read off curves.json). Known answers: the stored values are those of lib/curves on the same data,
// the Transfer step fits nothing, and what goes through curves.json on disk gives the same transfer.json.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitCurve } from '../../lib/curves/fit.ts';
import { profileInterval } from '../../lib/curves/profile.ts';
import { transferTest } from '../../lib/curves/transfer-test.ts';
import { ComputationError } from '../../lib/errors.ts';
import { runLayout } from '../../lib/layout.ts';
import { fitStep } from '../../lib/pipeline/fits.ts';
import { transferStep } from '../../lib/pipeline/transfer.ts';
import type { CurveFit, CurvesFile, TransferFile } from '../../lib/results.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { putJson } from '../../lib/storage/port.ts';
import { storedJson } from '../helpers/store.ts';
import { bandGrid } from '../../lib/transfer/fit/curve.ts';
import { JOINT_PROFILE_NOTE, unboundedNote } from '../../lib/transfer/fit/planned.ts';
import { allCurve, contextualCurve, deriveTransfer, exp3At, fitRun, jointCurve, matchResults, pairwiseCurve, singleCurve, type AnalyseInput } from '../../lib/transfer/index.ts';
import { lawStudy } from './lawStudy.ts';

// Every curve fit in the code base goes through lib/curves fitCurve (bootstrap, F-tests and model comparison
// included): wrap it so that the tests can count the fits each step makes.
vi.mock('../../lib/curves/fit.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/curves/fit.ts')>();
  return { ...original, fitCurve: vi.fn(original.fitCurve) };
});
const fitCalls = vi.mocked(fitCurve);

/** What a value becomes once written to and read from a JSON file (−∞ and NaN become null). */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

let input: AnalyseInput;
let curves: CurvesFile;
let fitsByFitRun: number;

beforeAll(() => {
  input = lawStudy();
  fitCalls.mockClear();
  curves = fitRun(input);
  fitsByFitRun = fitCalls.mock.calls.length;
});

const fitOf = (c: CurvesFile, design: string, task: string, source?: string): CurveFit => c.fits.find((f) => f.design === design && f.task === task && f.source === source)!;

describe('fitRun: every fit once, with the F-tests of its transfer rates', () => {
  it('stores the F-test of each transfer rate on its fit, equal to lib/curves transferTest on the same data', () => {
    const { completed } = matchResults(input.points, input.results);
    const contextualA = fitOf(curves, 'contextual', 'A');
    expect(Object.keys(contextualA.tests!)).toEqual(['s']);
    const direct = transferTest('exp3.2', contextualCurve(completed, 'random', 'A').data, 's', { alpha: 0.05 });
    expect(contextualA.tests!.s).toEqual({ F: direct.F, df1: direct.df1, df2: direct.df2, p: direct.p, verdict: direct.verdict, alpha: 0.05, sseReduced: direct.sseReduced });

    const pairBA = fitOf(curves, 'pairwise', 'A', 'B');
    expect(pairBA.tests!.s.p).toBe(transferTest('pairwise', pairwiseCurve(completed, 'random', 'B', 'A').data, 's').p);

    // Joint fits name their per-source rates s_<source>.
    const jointA = fitOf(curves, 'random', 'A');
    expect(Object.keys(jointA.tests!).sort()).toEqual(['s_B', 's_C']);
    expect(jointA.tests!.s_C.F).toBeCloseTo(transferTest('joint', jointCurve(completed, 'random', 'A', ['B', 'C']).data, 's_C').F, 12);
    // EXP3 curves have no transfer rate to test.
    expect(fitOf(curves, 'single', 'A').tests).toBeUndefined();
    expect(curves.failed).toEqual([]);
  });

  it('records every fit that fails in curves.failed, and keeps it in fits with status failed', () => {
    const single = input.points.filter((p) => Object.keys(p.sizes).join() === 'C');
    const dropped = new Set(single.slice(1).map((p) => p.id));
    const sparse = fitRun({ ...input, config: { ...input.config, study: { ...input.config.study, designs: ['single'] } }, results: input.results.filter((r) => !dropped.has(r.id)) });
    expect(sparse.fits.find((f) => f.task === 'C')!.status).toBe('failed');
    expect(sparse.failed).toEqual([{ task: 'C', design: 'single', split: 'random', model: 'exp3', reason: expect.stringMatching(/only \d+ point/) }]);
  });
});

describe('fitRun: profile intervals, bootstrap groups and bands', () => {
  it('gives every tested rate of EXP3.2 and pairwise fits a profile interval that contains 0 exactly when its F-test does not reject (joint fits say why they have none)', () => {
    let rates = 0;
    for (const fit of curves.fits.filter((f) => f.tests)) {
      for (const [rate, test] of Object.entries(fit.tests!)) {
        if (fit.model === 'joint') {
          expect(fit.profileCiNote![rate]).toBe(JOINT_PROFILE_NOTE);
          continue;
        }
        const [lo, hi] = fit.profileCi![rate];
        expect(lo).toBeLessThanOrEqual(fit.params[rate]);
        expect(hi).toBeGreaterThanOrEqual(fit.params[rate]);
        expect(lo <= 0 && 0 <= hi, `${fit.design} ${fit.source ?? ''}→${fit.task} ${rate}: p = ${test.p}, [${lo}, ${hi}]`).toBe(test.p >= test.alpha);
        rates++;
      }
    }
    expect(rates).toBe(3 + 6);
  });

  it('equals lib/curves profileInterval on the same data at level 1 − alpha', () => {
    const { completed } = matchResults(input.points, input.results);
    const data = pairwiseCurve(completed, 'random', 'C', 'B').data;
    const direct = profileInterval('pairwise', data, 's', { level: 0.95 });
    const stored = fitOf(curves, 'pairwise', 'B', 'C').profileCi!.s;
    expect(stored[0]).toBeCloseTo(direct.lo, 9);
    expect(stored[1]).toBeCloseTo(direct.hi, 9);
  });

  it('bootstraps the EXP3 fits only, recording their replicate groups and a pointwise band', () => {
    for (const fit of curves.fits) expect(fit.bootstrapGroups, `${fit.design} ${fit.task}`).toBe(fit.model === 'exp3' ? 2 : undefined);
    const single = fitOf(curves, 'single', 'A');
    const trained = [...new Set(curves.observations.filter((o) => o.task === 'A' && o.design === 'single').map((o) => o.n))].sort((p, q) => p - q);
    expect(single.band!.map((b) => b.n)).toEqual(bandGrid(trained));
    for (const b of single.band!) expect(b.lo).toBeLessThanOrEqual(b.hi);
    expect(fitOf(curves, 'contextual', 'A').band).toBeUndefined();
  });

  it('places the band points at every trained n and three log-spaced n in each gap', () => {
    const grid = bandGrid([64, 16, 32, 16]);
    expect(grid).toHaveLength(3 + 2 * 3);
    expect(grid[0]).toBe(16);
    expect(grid[4]).toBe(32);
    expect(grid[8]).toBe(64);
    expect(grid[2]).toBeCloseTo(16 * Math.SQRT2, 12);
  });

  it('writes an unbounded end as null in JSON, says so, and reads it back as ±Infinity', () => {
    const edited = viaJson(curves);
    const contextualA = fitOf(edited, 'contextual', 'A');
    const note = unboundedNote(contextualA.profileCi!.s[0], Infinity)!;
    contextualA.profileCi!.s = viaJson([contextualA.profileCi!.s[0], Infinity]) as [number, number];
    contextualA.profileCiNote = { s: note };
    expect(contextualA.profileCi!.s[1]).toBeNull();
    expect(note).toMatch(/^upper end unbounded \(null in JSON\)/);
    const read = deriveTransfer(edited, input).contextual.find((c) => c.task === 'A')!;
    expect(read.independentPoints!.profileCi![1]).toBe(Infinity);
    expect(read.independentPoints!.profileCiNote).toBe(note);
  });
});

describe('deriveTransfer: transfer.json from the stored fits, without fitting', () => {
  it('fits no curve (fitRun made them all)', () => {
    expect(fitsByFitRun).toBeGreaterThan(curves.fits.length);
    fitCalls.mockClear();
    const transfer = deriveTransfer(viaJson(curves), input);
    expect(fitCalls).not.toHaveBeenCalled();
    expect(transfer.contextual).toHaveLength(3);
    expect(transfer.pairwise).toHaveLength(12);
  });

  it('gives the same transfer.json from curves.json read back from a file as from the fits in memory', () => {
    expect(viaJson(deriveTransfer(viaJson(curves), input))).toEqual(viaJson(deriveTransfer(curves, input)));
  });

  it('reads rates, intervals and tests off the fits', () => {
    const transfer = deriveTransfer(curves, input);
    const contextualA = fitOf(curves, 'contextual', 'A');
    const test = contextualA.tests!.s;
    expect(transfer.contextual.find((c) => c.task === 'A')).toEqual({
      task: 'A',
      split: 'random',
      a: contextualA.params.a,
      s: contextualA.params.s,
      exchangeRate: contextualA.params.s / contextualA.params.a,
      // 2 replicate groups: too few for a replicate-level interval, so no interval, p, q or verdict — and it says so.
      ci: null,
      p: null,
      q: null,
      verdict: null,
      family: 'contextual random',
      inference: { groups: 2, se: null, df: null, t: null, p: null, ci: null, note: expect.stringMatching(/^2 replicate group\(s\) \(fold × seed\): at least 4/) },
      aCi: null,
      exchangeRateCi: null,
      independentPoints: { F: test.F, df1: test.df1, df2: test.df2, p: test.p, verdict: test.verdict, profileCi: contextualA.profileCi!.s },
    });
    // Transfer fits are not bootstrapped; the EXP3 curves are (their bands).
    expect(contextualA.ci).toBeUndefined();
    expect(fitOf(curves, 'single', 'A').bootstrapGroups).toBe(2);
    expect(contextualA.jackknife!.groups).toEqual(['f0s0', 'f0s1']);
    const jointB = fitOf(curves, 'random', 'B');
    const fromJoint = transfer.pairwise.find((p) => p.design === 'random' && p.source === 'C' && p.target === 'B')!;
    expect(fromJoint).toMatchObject({
      s: jointB.params.s_C,
      a: jointB.params.a,
      independentPoints: { p: jointB.tests!.s_C.p, verdict: jointB.tests!.s_C.verdict, profileCiNote: JOINT_PROFILE_NOTE },
    });
    expect(jointB.profileCi).toBeUndefined();
    expect(fromJoint.independentPoints!.verdict).toBe('negative');
  });

  it('jackknifes every derived quantity from the stored leave-one-replicate-out refits, as the formula does by hand', () => {
    // Four seeds of one fold: 4 replicate groups, enough for an interval.
    const four = lawStudy('split-laws-4', 4);
    const fitted = fitRun(four);
    const transfer = deriveTransfer(viaJson(fitted), four);
    const { completed } = matchResults(four.points, four.results);
    const byHand = (estimate: number, leaveOut: number[]) => {
      const G = leaveOut.length;
      const mean = leaveOut.reduce((x, y) => x + y, 0) / G;
      const se = Math.sqrt(((G - 1) / G) * leaveOut.reduce((x, y) => x + (y - mean) ** 2, 0));
      return { se, ci: [estimate - 3.182446 * se, estimate + 3.182446 * se] }; // scipy.stats.t.ppf(0.975, 3)
    };
    const data = contextualCurve(completed, 'random', 'A').data;
    const groups = [...new Set(data.group!.map(String))];
    const without = groups.map((g) => {
      const keep = data.group!.map((x) => String(x) !== g);
      return fitCurve('exp3.2', { n: data.n.filter((_, i) => keep[i]), nOther: data.nOther!.filter((_, i) => keep[i]), y: data.y.filter((_, i) => keep[i]) }).params;
    });
    const full = fitCurve('exp3.2', data).params;
    const row = transfer.contextual.find((c) => c.task === 'A' && !c.placebo)!;
    const s = byHand(full.s, without.map((p) => p.s));
    expect(row.inference.groups).toBe(4);
    expect(row.inference.se!).toBeCloseTo(s.se, 10);
    expect(row.ci![0]).toBeCloseTo(s.ci[0], 8);
    expect(row.ci![1]).toBeCloseTo(s.ci[1], 8);
    const ratio = byHand(full.s / full.a, without.map((p) => p.s / p.a));
    expect(row.exchangeRateCi![0]).toBeCloseTo(ratio.ci[0], 6);
    const a = byHand(full.a, without.map((p) => p.a));
    expect(row.aCi![1]).toBeCloseTo(a.ci[1], 8);
    // The gap at n: the paired jackknife of P_all(n) − P_single(n) over the replicates both curves were trained on.
    const single = singleCurve(completed, 'random', 'B').data;
    const all = allCurve(completed, 'random', 'B').data;
    const refit = (d: typeof single, g: string | null) => {
      const keep = d.group!.map((x) => String(x) !== g);
      return fitCurve('exp3', { n: d.n.filter((_, i) => keep[i]), y: d.y.filter((_, i) => keep[i]) });
    };
    const gapRow = transfer.singleVsAll.find((r) => r.task === 'B')!.byN[1];
    const gapOf = (g: string | null) => refit(all, g).predictAt({ n: gapRow.n }) - refit(single, g).predictAt({ n: gapRow.n });
    const gap = byHand(gapOf(null), groups.map(gapOf));
    expect(gapRow.gap!).toBeCloseTo(gapOf(null), 10);
    expect(gapRow.ci![0]).toBeCloseTo(gap.ci[0], 8);
    expect(gapRow.family).toBe('single-vs-all random');
    expect(gapRow.q).not.toBeNull();
  });

  it('evaluates the single-task and all-task EXP3 curves as fitCurve does on the same data', () => {
    const { completed } = matchResults(input.points, input.results);
    const transfer = deriveTransfer(viaJson(curves), input);
    expect(transfer.singleVsAll).toHaveLength(3);
    for (const gap of transfer.singleVsAll) {
      const direct = fitCurve('exp3', singleCurve(completed, gap.split, gap.task).data);
      for (const row of gap.byN) {
        expect(row.single).toBeCloseTo(direct.predictAt({ n: row.n }), 8);
        expect(row.gap).toBeCloseTo(row.all! - row.single!, 12);
      }
    }
  });

  it('evaluates a flat EXP3 fit (b = −∞, stored as null) as its constant', () => {
    const flat = fitCurve('exp3', { n: [16, 32, 64, 128], y: [0.8, 0.79, 0.78, 0.77] });
    expect(flat.limit).toBe('constant');
    const stored: CurveFit = viaJson({ task: 'T', design: 'single', split: 'random', model: 'exp3', status: 'ok', params: flat.params, sse: flat.sse, nPoints: 4 });
    expect(stored.params.b).toBeNull();
    expect(exp3At(stored, 50)).toBeCloseTo(0.785, 12);
    expect(exp3At({ ...stored, status: 'failed' }, 50)).toBeNull();
  });

  it('lists an estimate whose F-test or fit is missing in failed, with the reason, instead of dropping it', () => {
    const edited = viaJson(curves);
    const contextualB = fitOf(edited, 'contextual', 'B');
    delete contextualB.tests!.s;
    edited.failed = [{ task: 'B', design: 'contextual', split: 'random', model: 'exp3.2', rate: 's', reason: 'no residual degrees of freedom' }];
    edited.fits = edited.fits.filter((f) => !(f.design === 'pairwise' && f.task === 'A' && f.source === 'C'));
    Object.assign(fitOf(edited, 'random', 'C'), { status: 'failed', error: 'joint: too few points', params: {} });

    const transfer = deriveTransfer(edited, input);
    expect(transfer.contextual.map((c) => c.task)).toEqual(['A', 'C']);
    expect(transfer.pairwise.filter((p) => p.design === 'pairwise')).toHaveLength(5);
    expect(transfer.pairwise.filter((p) => p.design === 'random' && p.target === 'C')).toEqual([]);
    // (This study's tasks are too small for the default branches: lookaheadCoverage's rows are tested in enumerate.test.ts.)
    expect(transfer.failed!.filter((f) => f.analysis !== 'lookahead')).toEqual([
      { analysis: 'contextual', design: 'contextual', split: 'random', task: 'B', reason: 'F-test: no residual degrees of freedom' },
      { analysis: 'pairwise', design: 'pairwise', split: 'random', task: 'A', source: 'C', reason: expect.stringMatching(/curves\.json has no pairwise fit of C → A .*run the Fit step again/) },
      { analysis: 'pairwise', design: 'random', split: 'random', task: 'C', source: 'A', reason: 'joint: too few points' },
      { analysis: 'pairwise', design: 'random', split: 'random', task: 'C', source: 'B', reason: 'joint: too few points' },
    ]);
  });

  it("refuses another run's curves.json, or one without fits", () => {
    expect(() => deriveTransfer({ ...curves, runId: 'other' }, input)).toThrow(ComputationError);
    expect(() => deriveTransfer({ ...curves, runId: 'other' }, input)).toThrow(/belongs to run 'other'/);
    expect(() => deriveTransfer({ runId: input.runId } as CurvesFile, input)).toThrow(/has no 'fits' list/);
  });
});

describe('the Fit and Transfer steps on a folder store', () => {
  let root: string;
  let store: FolderStore;
  const ctx = () => ({ store, runId: input.runId });

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mtlc-split-'));
    store = new FolderStore(path.join(root, 'bucket'));
    const layout = runLayout(input.runId);
    await putJson(store, layout.plan, { runId: input.runId, config: input.config, points: input.points, caps: input.caps, hash: 'test', createdAt: new Date(0).toISOString() });
    for (const r of input.results) await putJson(store, layout.point(r.id), r);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('Transfer before Fit says that Fit has not run, naming curves.json', async () => {
    await expect(transferStep(ctx())).rejects.toThrow(/results\/curves\.json: the Fit step has not run/);
  });

  it('Fit writes curves.json; Transfer writes transfer.json from it without fitting a curve', async () => {
    const fitted = await fitStep(ctx());
    expect(fitted).toEqual({ fits: 18, failed: 0 });
    const stored = await storedJson<CurvesFile>(store, runLayout(input.runId).curves);
    expect(stored).toEqual(viaJson(curves));

    fitCalls.mockClear();
    expect(await transferStep(ctx())).toEqual({ pairs: 12 });
    expect(fitCalls).not.toHaveBeenCalled();
    const transfer = await storedJson<TransferFile>(store, runLayout(input.runId).transfer);
    expect(transfer).toEqual(viaJson(deriveTransfer(curves, input)));
  });
});
