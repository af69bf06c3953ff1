// Synthetic runs for the report tests, generated from known EXP3 / EXP3.2 laws with planted task groups.
// Group A = {KDR, FLT1, FLT4}, group B = {ABL1, SRC}: within a group s_ij > 0, across groups s_ij < 0.
import { parseRunConfig } from '../../lib/config.ts';
import type { ReportInput } from '../../lib/report/types.ts';
import type { ContextualTransfer, CurveFit, LookaheadEstimate, ModelComparison, Observation, PairwiseTransfer, RateEstimate, TagScore } from '../../lib/results.ts';
import { pairKey, pairMap } from '../../lib/transfer/agreement.ts';
import { compareScores } from '../../lib/transfer/scoreComparison.ts';

const scoreMap = (rows: readonly { source: string; target: string; s: number }[]) => pairMap(rows.map((r) => ({ source: r.source, target: r.target, value: r.s })));

export const TASKS = ['ABL1', 'KDR', 'SRC', 'FLT1', 'FLT4'] as const;
export const GROUP: Record<string, 'A' | 'B'> = { KDR: 'A', FLT1: 'A', FLT4: 'A', ABL1: 'B', SRC: 'B' };
export const LAW = { b: Math.log(0.4), c: 0.9 };
/** Own-sample rate a_i of each task. */
export const A: Record<string, number> = { ABL1: 0.004, KDR: 0.006, SRC: 0.003, FLT1: 0.005, FLT4: 0.0045 };
/** Planted pairwise rates s_ij (source j → target i). */
export const sPair = (source: string, target: string) => (GROUP[source] === GROUP[target] ? 0.002 : -0.0008);
/** Contextual rate of task i: the mean of its incoming pairwise rates (the other tasks arrive together). */
export const sCtx = (task: string) => TASKS.filter((t) => t !== task).reduce((s, t) => s + sPair(t, task), 0) / (TASKS.length - 1);

export const NS = [16, 32, 64, 128, 256, 512];
const FULL = 512;
const SEEDS = [0, 1, 2];

/** Deterministic noise in [-h, h] (a fixed LCG, so fixtures are identical on every run). */
function noiseSource(seed: number, h: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 2 ** 32 - 0.5) * 2 * h;
  };
}

const exp3 = (a: number, n: number) => LAW.c - Math.exp(LAW.b - a * n);
const exp32 = (a: number, s: number, n: number, m: number) => LAW.c - Math.exp(LAW.b - a * n - s * m);

function fit(task: string, design: CurveFit['design'], model: CurveFit['model'], params: Record<string, number>): CurveFit {
  const ci: Record<string, [number, number]> = {};
  for (const [k, v] of Object.entries(params)) ci[k] = [v - 0.03 * Math.abs(v), v + 0.03 * Math.abs(v)];
  return { task, design, split: 'random', model, status: 'ok', params, ci, sse: 0.001, nPoints: NS.length * SEEDS.length };
}

/** Replicate groups the fixture's inference claims (fold × seed); enough for a verdict. */
export const FIXTURE_GROUPS = 5;
const T_975_4DF = 2.776445;

/**
 * The inference fields of a transfer rate whose replicate-level interval is s ± half (its verdict by whether that
 * covers 0) and whose profile interval is `profileCi` (the F-test agreeing about 0 unless told otherwise).
 */
export function rateFields(s: number, half: number, profileCi: [number, number]): Omit<RateEstimate, 'a' | 'aCi' | 'exchangeRate' | 'exchangeRateCi'> {
  const verdict = s - half > 0 ? 'positive' : s + half < 0 ? 'negative' : 'none';
  const p = verdict === 'none' ? 0.4 : 0.001;
  const se = half / T_975_4DF;
  const ci: [number, number] = [s - half, s + half];
  return {
    s, ci, p, q: verdict === 'none' ? 0.5 : 0.004, verdict, family: 'pairwise random',
    inference: { groups: FIXTURE_GROUPS, se, df: FIXTURE_GROUPS - 1, t: s / se, p, ci },
    independentPoints: { F: verdict === 'none' ? 0.7 : 12, df1: 1, df2: 84, p: verdict === 'none' ? 0.35 : 0.002, verdict, profileCi },
  };
}

export function completeRun(): ReportInput {
  const noise = noiseSource(42, 0.01);
  const observations: Observation[] = [];
  const fits: CurveFit[] = [];
  const comparison: ModelComparison[] = [];
  let pid = 0;
  const point = () => `p${String(pid++).padStart(4, '0')}`;
  for (const task of TASKS) {
    const aAll = A[task] + sCtx(task) * (TASKS.length - 1); // all tasks at the same n: the EXP3.2 law with n_Σ = (K−1)·n
    for (const seed of SEEDS) {
      for (const n of NS) {
        observations.push({ pointId: point(), task, design: 'single', split: 'random', fold: 0, seed, n, y: exp3(A[task], n) + noise() });
        observations.push({ pointId: point(), task, design: 'all', split: 'random', fold: 0, seed, n, y: exp3(aAll, n) + noise() });
        for (const f of [0, 0.25, 1]) {
          const m = f * FULL * (TASKS.length - 1);
          observations.push({ pointId: point(), task, design: 'contextual', split: 'random', fold: 0, seed, n, nOther: m, y: exp32(A[task], sCtx(task), n, m) + noise() });
        }
      }
    }
    fits.push(fit(task, 'single', 'exp3', { a: A[task], b: LAW.b, c: LAW.c }));
    fits.push(fit(task, 'all', 'exp3', { a: aAll, b: LAW.b, c: LAW.c }));
    fits.push(fit(task, 'contextual', 'exp3.2', { a: A[task], s: sCtx(task), b: LAW.b, c: LAW.c }));
    for (const [model, mse] of [['exp3', 2e-5], ['pow3', 6e-5], ['pow4', 5e-5], ['mmf4', 4e-5], ['last1', 4e-4]] as const) {
      comparison.push({ task, design: 'single', split: 'random', model, heldOutMse: mse * (1 + 0.3 * TASKS.indexOf(task)), lastAnchorError: Math.sqrt(mse) });
    }
  }
  const contextual: ContextualTransfer[] = TASKS.map((task) => {
    const s = sCtx(task);
    const half = task === 'SRC' ? 0.0003 : 0.2 * Math.abs(s) + 0.00003; // SRC's CI covers 0: verdict none
    // The profile interval agrees with the verdict about 0; KDR's is unbounded above (the data cannot bound it there).
    const profileCi: [number, number] = [s - 0.7 * half, task === 'KDR' ? Infinity : s + 0.7 * half];
    const a = A[task];
    return {
      task, split: 'random', ...rateFields(s, half, profileCi), family: 'contextual random',
      a, aCi: [0.9 * a, 1.1 * a], exchangeRate: s / a, exchangeRateCi: [(s - half) / a, (s + half) / a],
    };
  });
  const pairwise: PairwiseTransfer[] = [];
  const tag: TagScore[] = [];
  const lookahead: LookaheadEstimate[] = [];
  const pn = noiseSource(7, 1);
  for (const source of TASKS) {
    for (const target of TASKS) {
      if (source === target) continue;
      const s = sPair(source, target) * (1 + 0.3 * pn()); // estimates scatter around the planted rate
      const half = source === 'SRC' && GROUP[target] === 'A' ? 0.001 : 0.0003; // SRC → group A: CI covers 0
      pairwise.push({ source, target, split: 'random', design: 'pairwise', ...rateFields(s, half, [s - 0.8 * half, s + 0.8 * half]) });
      tag.push({ source, target, z: 10 * s + 0.002 * pn(), zEarly: 20 * s + 0.001 * pn() });
      const sHat = s * (1 + 0.4 * pn());
      const { independentPoints: _unused, ...rate } = rateFields(sHat, 1.5 * half, [sHat - half, sHat + half]);
      lookahead.push({ source, target, split: 'random', ...rate, family: 'lookahead random', exchangeRate: sHat / A[target], form: 'log', readings: { control: 0.7, self: 0.75, source: 0.7 + 10 * sHat, placebo: 0.698 } });
    }
  }
  return {
    runId: 'synthetic-complete',
    config: parseRunConfig({ title: 'Synthetic study: two planted task groups', study: { designs: ['single', 'all', 'contextual', 'pairwise'] } }),
    dataset: {
      name: 'synthetic',
      summary: TASKS.map((task, k) => ({ task, labelled: 1200 - 100 * k, positives: 300 - 40 * k, negatives: 900 - 60 * k })),
      excluded: [{ task: 'EPHA2', reason: 'only 4 positives (tasks.minPositives = 10)' }],
      invalidSmiles: 3,
      notes: ['kiba.csv: value >= 12.1 is positive'],
    },
    environment: { backend: 'wasm', device: 'cpu (2 cores)', versions: { node: 'v20.20.2', mtlc: '0.1.0', '@tensorflow/tfjs': '4.22.0' } },
    curves: { runId: 'synthetic-complete', metric: 'auroc', observations, fits, comparison },
    transfer: {
      runId: 'synthetic-complete',
      singleVsAll: TASKS.map((task) => ({
        task,
        split: 'random',
        byN: NS.map((n) => {
          const single = exp3(A[task], n);
          const all = exp3(A[task] + sCtx(task) * (TASKS.length - 1), n);
          const gap = all - single;
          const half = 0.004;
          const verdict = gap - half > 0 ? ('positive' as const) : gap + half < 0 ? ('negative' as const) : ('none' as const);
          return { n, single, all, gap, ci: [gap - half, gap + half] as [number, number], p: verdict === 'none' ? 0.5 : 0.001, q: verdict === 'none' ? 0.6 : 0.005, verdict, family: 'single-vs-all random' };
        }),
      })),
      contextual,
      pairwise,
      tag,
      tagGroups: { groups: [['KDR', 'FLT1', 'FLT4'], ['ABL1', 'SRC']], score: 0.08, method: 'exact' },
      lookahead,
      agreement: { 'pairwise~tag': { rho: 0.9, pairs: 20 }, 'pairwise~lookahead': { rho: 0.95, pairs: 20 } },
      comparison: compareScores(
        { name: 'pairwise', scores: scoreMap(pairwise), positive: new Set(pairwise.filter((p) => p.verdict === 'positive').map((p) => pairKey(p.source, p.target))), seconds: 5200 },
        [
          { name: 'lookahead', scores: scoreMap(lookahead), seconds: 31 + 410 },
          { name: 'tag', scores: pairMap(tag.map((t) => ({ source: t.source, target: t.target, value: t.z }))), seconds: 160 },
          { name: 'tag_early', scores: pairMap(tag.map((t) => ({ source: t.source, target: t.target, value: t.zEarly! }))), seconds: 160 },
        ],
        0.05,
      ),
      cost: {
        single: { seconds: 410, points: 72, device: 'cpu (2 cores)', backend: 'wasm' },
        all: { seconds: 160, points: 18, device: 'cpu (2 cores)', backend: 'wasm' },
        contextual: { seconds: 1300, points: 216, device: 'cpu (2 cores)', backend: 'wasm' },
        pairwise: { seconds: 5200, points: 864, device: 'cpu (2 cores)', backend: 'wasm' },
        tag: { seconds: 14, device: 'cpu (2 cores)', backend: 'wasm' },
        lookahead: { seconds: 31, device: 'cpu (2 cores)', backend: 'wasm' },
      },
      missingPoints: [],
    },
    generatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** The complete run with a failed training point (its observation gone), a failed fit and one undefined AUROC. */
export function failedRun(): ReportInput {
  const run = completeRun();
  run.runId = 'synthetic-failed';
  const gone = run.curves.observations.find((o) => o.task === 'SRC' && o.design === 'single' && o.n === 512 && o.seed === 2)!;
  run.curves.observations = run.curves.observations.filter((o) => o !== gone);
  run.transfer.missingPoints = [{ pointId: gone.pointId, reason: 'Batch job exited with code 137 (out of memory) after 3 attempts' }];
  const fit = run.curves.fits.find((f) => f.task === 'KDR' && f.design === 'all' && f.model === 'exp3')!;
  Object.assign(fit, { status: 'failed', error: 'the least-squares surface is flat: fewer than 3 distinct n with an AUROC', params: {}, ci: undefined });
  run.curves.observations.find((o) => o.task === 'FLT1' && o.design === 'single' && o.n === 16 && o.seed === 0)!.y = null;
  run.transfer.failed = [{ analysis: 'lookahead', design: 'lookahead', split: 'random', task: 'FLT4', reason: 'no snapshot-branch job: the target has fewer than Δ + 2 = 514 training rows in every test fold (study.lookahead.delta)' }];
  return run;
}

/** A single-design run without TAG or lookahead: most sections must say "not run". */
export function minimalRun(): ReportInput {
  const run = completeRun();
  run.runId = 'synthetic-minimal';
  run.config = parseRunConfig({ study: { designs: ['single'], tag: { enabled: false }, lookahead: { enabled: false } } });
  run.curves.observations = run.curves.observations.filter((o) => o.design === 'single');
  run.curves.fits = run.curves.fits.filter((f) => f.design === 'single');
  run.curves.comparison = [];
  Object.assign(run.transfer, { singleVsAll: [], contextual: [], pairwise: [], tag: [], lookahead: [], agreement: {}, comparison: undefined, tagGroups: undefined, cost: {} });
  return run;
}
