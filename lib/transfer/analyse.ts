// The analysis of a run: from the plan and the trained points to results/curves.json and results/transfer.json.
import type { RunConfig } from '../config.ts';
import type { CurveFitResult } from '../curves/fit.ts';
import type { ContextualTransfer, CurveFit, CurvesFile, PairwiseTransfer, SingleVsAll, TransferFile } from '../results.ts';
import type { PointResult, PointSpec, SplitKind } from '../types.ts';
import { agreementTable, pairMap } from './agreement.ts';
import { compareSingleTaskModels } from './comparison.ts';
import { costTable } from './cost.ts';
import { allCurve, contextualCurve, jointCurve, pairwiseCurve, singleCurve, type SelectedCurve } from './curveData.ts';
import { fitWithIntervals, testRate, type FitOptions } from './fits.ts';
import { matchResults, observationsOf, usesOf, type CompletedPoint } from './observations.ts';
import { lookaheadScores, tagGroupsOf, tagScores } from './scores.ts';

export interface AnalyseInput {
  runId: string;
  config: RunConfig;
  /** The plan (lib/design enumeratePoints). */
  points: PointSpec[];
  results: PointResult[];
  /** Size caps reported by the plan, copied into transfer.json. */
  caps?: TransferFile['caps'];
}

type Failed = NonNullable<TransferFile['failed']>[number];

/** Tasks of the plan in order of first appearance. */
function tasksOf(points: PointSpec[]): string[] {
  return [...new Set(points.flatMap((p) => Object.keys(p.sizes)))];
}

function splitsOf(config: RunConfig, points: PointSpec[]): SplitKind[] {
  const present = new Set(points.map((p) => p.split));
  return config.split.kinds.filter((k) => present.has(k));
}

const ciOf = (curve: CurveFit, name: string): [number, number] => curve.ci?.[name] ?? [Number.NaN, Number.NaN];

const mean = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

/** Mean observed y per n of a selected curve. */
function observedMeans(selected: SelectedCurve): Map<number, number> {
  const byN = new Map<number, number[]>();
  selected.data.n.forEach((n, p) => byN.set(n, [...(byN.get(n) ?? []), selected.data.y[p]]));
  return new Map([...byN].map(([n, ys]) => [n, mean(ys)!]));
}

/**
 * Single-task vs all-task AUROC of one task by n: the fitted EXP3 curves at every n either design observed,
 * gap = P_all(n) − P_single(n) (> 0: multi-task training helps at that n), with the observed means beside them.
 */
function singleVsAll(task: string, split: SplitKind, single: { sel: SelectedCurve; fit?: CurveFitResult }, all: { sel: SelectedCurve; fit?: CurveFitResult }): SingleVsAll {
  const singleMeans = observedMeans(single.sel);
  const allMeans = observedMeans(all.sel);
  const ns = [...new Set([...singleMeans.keys(), ...allMeans.keys()])].sort((a, b) => a - b);
  return {
    task,
    split,
    byN: ns.map((n) => {
      const s = single.fit ? single.fit.predictAt({ n }) : null;
      const a = all.fit ? all.fit.predictAt({ n }) : null;
      return { n, single: s, all: a, gap: s !== null && a !== null ? a - s : null, singleObserved: singleMeans.get(n) ?? null, allObserved: allMeans.get(n) ?? null };
    }),
  };
}

/** Ordered pairs (source, target) the plan's pairwise grids cover, per split. */
function plannedPairs(points: PointSpec[], split: SplitKind): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const p of points) {
    if (p.split !== split) continue;
    for (const u of usesOf(p)) if (u.design === 'pairwise' && u.focus && u.source) seen.set(`${u.source}\u0000${u.focus}`, [u.source, u.focus]);
  }
  return [...seen.values()];
}

/**
 * Builds both result files. Per split kind and task: EXP3 fits of the single-task and all-task curves (with
 * bootstrap intervals over fold × seed groups) and their gap by n; EXP3.2 of the contextual surface
 * (s_i, a_i, exchange rate s_i/a_i with intervals, F-test p of s_i = 0, verdict at study.alpha); per ordered
 * pair the pairwise EXP3.2 of its grid, and per target the joint fit of the random design (one s_ij per
 * source). TAG / lookahead scores are averaged over the probed points; agreement is Spearman's ρ over ordered
 * pairs; cost sums the measured seconds per approach. Fits that cannot be made are kept with status 'failed'.
 */
export function analyseRun(input: AnalyseInput): { curves: CurvesFile; transfer: TransferFile } {
  const { runId, config, points } = input;
  const { completed, missing } = matchResults(points, input.results);
  const tasks = tasksOf(points);
  const splits = splitsOf(config, points);
  const designs = new Set(config.study.designs);
  const alpha = config.study.alpha;
  const options: FitOptions = { resamples: config.study.bootstrap, level: 1 - alpha, alpha };

  const fits: CurveFit[] = [];
  const failed: Failed[] = [];
  const gaps: SingleVsAll[] = [];
  const contextual: ContextualTransfer[] = [];
  const pairwise: PairwiseTransfer[] = [];
  const singleCurves: { task: string; split: SplitKind; selected: SelectedCurve }[] = [];

  for (const split of splits) {
    for (const task of tasks) {
      const single = designs.has('single') ? { sel: singleCurve(completed, split, task) } : undefined;
      const all = designs.has('all') ? { sel: allCurve(completed, split, task) } : undefined;
      const singleFit = single && fitWithIntervals({ task, design: 'single', split, model: 'exp3', selected: single.sel }, options);
      const allFit = all && fitWithIntervals({ task, design: 'all', split, model: 'exp3', selected: all.sel }, options);
      for (const f of [singleFit, allFit]) if (f) fits.push(f.curve);
      if (single) singleCurves.push({ task, split, selected: single.sel });
      if (single && all && singleFit && allFit) {
        gaps.push(singleVsAll(task, split, { sel: single.sel, fit: singleFit.fit }, { sel: all.sel, fit: allFit.fit }));
        const reasons = [singleFit, allFit].filter((f) => f.curve.status === 'failed').map((f) => `${f.curve.design}: ${f.curve.error}`);
        if (reasons.length) failed.push({ analysis: 'singleVsAll', design: 'all', split, task, reason: `fitted gap unavailable (${reasons.join('; ')})` });
      }
      if (designs.has('contextual')) {
        const entry = transferEstimate(fits, failed, { task, design: 'contextual', split, model: 'exp3.2', selected: contextualCurve(completed, split, task) }, 's', options);
        if (entry) contextual.push({ task, split, a: entry.a, s: entry.s, exchangeRate: entry.exchangeRate, ci: entry.ci, exchangeRateCi: entry.exchangeRateCi, p: entry.p, verdict: entry.verdict });
      }
    }
    if (designs.has('pairwise')) {
      for (const [source, target] of plannedPairs(points, split)) {
        const entry = transferEstimate(fits, failed, { task: target, design: 'pairwise', split, model: 'pairwise', source, selected: pairwiseCurve(completed, split, source, target) }, 's', options);
        if (entry) pairwise.push({ source, target, split, design: 'pairwise', ...entry });
      }
    }
    if (designs.has('random')) pairwise.push(...jointEstimates(completed, split, tasks, fits, failed, options));
  }

  const tag = tagScores(completed);
  const lookahead = lookaheadScores(completed);
  const firstSplit = splits[0];
  const rates = (design: 'pairwise' | 'random') => pairMap(pairwise.filter((p) => p.design === design && p.split === firstSplit).map((p) => ({ source: p.source, target: p.target, value: p.s })));
  const agreement = agreementTable({
    pairwise: rates('pairwise'),
    random: rates('random'),
    tag: pairMap(tag.map((t) => ({ source: t.source, target: t.target, value: t.z }))),
    lookahead: pairMap(lookahead.map((l) => ({ source: l.source, target: l.target, value: l.d }))),
  });
  const tagGroups = tagGroupsOf(tag);

  return {
    curves: { runId, metric: 'auroc', observations: observationsOf(completed), fits, comparison: compareSingleTaskModels(singleCurves) },
    transfer: {
      runId,
      singleVsAll: gaps,
      contextual,
      pairwise,
      tag,
      ...(tagGroups ? { tagGroups } : {}),
      lookahead,
      agreement,
      cost: costTable(completed),
      missingPoints: missing,
      failed,
      ...(input.caps ? { caps: input.caps } : {}),
    },
  };
}

interface RateEstimate {
  a: number;
  s: number;
  exchangeRate: number;
  ci: [number, number];
  exchangeRateCi?: [number, number];
  p: number;
  verdict: ContextualTransfer['verdict'];
}

/** Fit + interval + F-test of the one rate `s` of an exp3.2 / pairwise curve; a failure is recorded, not thrown. */
function transferEstimate(fits: CurveFit[], failed: Failed[], request: Parameters<typeof fitWithIntervals>[0], param: 's', options: FitOptions): RateEstimate | undefined {
  const outcome = fitWithIntervals(request, options);
  fits.push(outcome.curve);
  const analysis = request.design === 'contextual' ? 'contextual' : 'pairwise';
  const where = { analysis, design: request.design, split: request.split, task: request.task, ...(request.source ? { source: request.source } : {}) } as const;
  if (!outcome.fit) {
    failed.push({ ...where, reason: outcome.curve.error ?? 'fit failed' });
    return undefined;
  }
  const test = testRate(request.model as 'exp3.2' | 'pairwise', request.selected, param, options.alpha);
  if ('error' in test) {
    failed.push({ ...where, reason: `F-test: ${test.error}` });
    return undefined;
  }
  const { a, s } = outcome.fit.params;
  const exchangeRateCi = outcome.curve.ci?.exchangeRate;
  return { a, s, exchangeRate: s / a, ci: ciOf(outcome.curve, 's'), ...(exchangeRateCi ? { exchangeRateCi } : {}), p: test.p, verdict: test.verdict };
}

/**
 * Random design: per target i, the joint fit P_i = c − exp(b − a_i·n_i − Σ_j s_ij·n_j) over every random-design
 * point, then one F-test per source (s_ij = 0: the joint fit without source j).
 */
function jointEstimates(completed: CompletedPoint[], split: SplitKind, tasks: string[], fits: CurveFit[], failed: Failed[], options: FitOptions): PairwiseTransfer[] {
  const out: PairwiseTransfer[] = [];
  const randomPoints = completed.filter((c) => c.spec.split === split && usesOf(c.spec).some((u) => u.design === 'random'));
  if (randomPoints.length === 0) return out;
  const present = tasks.filter((t) => randomPoints.some((c) => (c.spec.sizes[t] ?? 0) > 0));
  for (const target of present) {
    const sources = present.filter((t) => t !== target);
    if (sources.length === 0) continue;
    const selected = jointCurve(completed, split, target, sources);
    const outcome = fitWithIntervals({ task: target, design: 'random', split, model: 'joint', selected }, options);
    fits.push(outcome.curve);
    if (!outcome.fit) {
      for (const source of sources) failed.push({ analysis: 'pairwise', design: 'random', split, task: target, source, reason: outcome.curve.error ?? 'joint fit failed' });
      continue;
    }
    const a = outcome.fit.params.a;
    for (const source of sources) {
      const param = `s_${source}`;
      const test = testRate('joint', selected, param, options.alpha);
      if ('error' in test) {
        failed.push({ analysis: 'pairwise', design: 'random', split, task: target, source, reason: `F-test: ${test.error}` });
        continue;
      }
      const s = outcome.fit.params[param];
      const exchangeRateCi = outcome.curve.ci?.[`exchangeRate_${source}`];
      out.push({ source, target, split, s, ci: ciOf(outcome.curve, param), p: test.p, verdict: test.verdict, design: 'random', a, exchangeRate: s / a, ...(exchangeRateCi ? { exchangeRateCi } : {}) });
    }
  }
  return out;
}
