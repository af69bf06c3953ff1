// The Transfer step's science: transfer.json from the fits in curves.json and the points, without fitting any curve.
import { ComputationError } from '../errors.ts';
import type { ContextualTransfer, CurveFit, CurvesFile, PairwiseTransfer, RateEstimate, SingleVsAll, TransferFile } from '../results.ts';
import { agreementTable, pairKey, pairMap, type PairMap } from './agreement.ts';
import { compareScores, pairScores, SCORE_NAMES, scoreSeconds, type ScoreName } from './scoreComparison.ts';
import type { AnalyseInput } from './analyseInput.ts';
import { costTable } from './cost.ts';
import { fitKey, planFits, type PlannedFit } from './fit/plan.ts';
import { PENALISED_INFERENCE_NOTE, PENALISED_TEST_NOTE } from './fit/planned.ts';
import { matchResults } from './observations.ts';
import { lookaheadCoverage, lookaheadEstimates, tagGroupsOf, tagScores } from './scores.ts';
import { singleVsAll } from './singleVsAll.ts';
import { isPlacebo } from '../data/placebo.ts';
import { assignFdrVerdicts, derivedInference } from './inference.ts';

type Failed = NonNullable<TransferFile['failed']>[number];

/** The stored fits of a run, looked up by planned fit. */
class StoredFits {
  private readonly fits = new Map<string, CurveFit>();
  private readonly testFailures = new Map<string, string>();

  constructor(curves: CurvesFile) {
    for (const f of curves.fits) this.fits.set(fitKey(f), f);
    for (const f of curves.failed ?? []) if (f.rate !== undefined) this.testFailures.set(`${fitKey(f)}\u0000${f.rate}`, f.reason);
  }

  /** The fit of `planned`; a planned fit absent from curves.json reads as a failed fit that says so. */
  fitOf(planned: PlannedFit): CurveFit {
    const stored = this.fits.get(fitKey(planned));
    if (stored) return stored;
    const what = `${planned.model} fit of ${planned.source ? `${planned.source} → ` : ''}${planned.task} (${planned.design}, ${planned.split} split)`;
    return { ...where(planned), model: planned.model, status: 'failed', error: `curves.json has no ${what}: run the Fit step again`, params: {}, sse: Number.NaN, nPoints: 0 };
  }

  /** Why the F-test of `rate` on this fit is absent. */
  testFailure(fit: CurveFit, rate: string): string {
    return this.testFailures.get(`${fitKey(fit)}\u0000${rate}`) ?? `curves.json has no F-test of '${rate}' for this fit`;
  }
}

const where = (f: { task: string; design: PlannedFit['design']; split: PlannedFit['split']; source?: string }) => ({
  task: f.task,
  design: f.design,
  split: f.split,
  ...(f.source !== undefined ? { source: f.source } : {}),
});

/** One transfer rate of a stored fit with its inference, or the reason it is unavailable. */
type RateReading = (RateEstimate & { a: number; exchangeRate: number }) | { reason: string };

/**
 * Rate r of a stored fit (docs/methods.md, "Inference"): s = r and a from the pooled fit's parameters, exchange
 * rate s/a; the replicate-level jackknife interval and p of s (primary; q and verdict are set per family later),
 * and of a and s/a; the stored F-test and profile interval (secondary: they assume independent points). A JSON
 * null end of a profile interval reads as ±∞.
 */
function readRate(stored: StoredFits, fit: CurveFit, rate: string, fitFailure: string, alpha: number): RateReading {
  if (fit.status !== 'ok') return { reason: fit.error ?? fitFailure };
  const test = fit.tests?.[rate];
  if (!test && !fit.penalty) return { reason: `F-test: ${stored.testFailure(fit, rate)}` };
  const s = fit.params[rate];
  const a = fit.params.a;
  const jackknifed = derivedInference([fit], (q) => q[rate], alpha);
  // A penalised rate keeps its estimate, not its test (PENALISED_INFERENCE_NOTE).
  const inference = fit.penalty ? { groups: jackknifed.groups, se: null, df: null, t: null, p: null, ci: null, note: PENALISED_INFERENCE_NOTE } : jackknifed;
  const profile = fit.profileCi?.[rate];
  const profileCiNote = fit.profileCiNote?.[rate];
  return {
    s,
    ci: inference.ci,
    p: inference.p,
    q: null,
    verdict: null,
    family: '',
    inference,
    a,
    aCi: derivedInference([fit], (q) => q.a, alpha).ci,
    exchangeRate: s / a,
    exchangeRateCi: fit.penalty ? null : derivedInference([fit], (q) => q[rate] / q.a, alpha).ci,
    ...(test
      ? {
          independentPoints: {
            F: test.F,
            df1: test.df1,
            df2: test.df2,
            p: test.p,
            verdict: test.verdict,
            ...(profile ? { profileCi: [profile[0] ?? -Infinity, profile[1] ?? Infinity] as [number, number] } : {}),
            ...(profileCiNote ? { profileCiNote } : {}),
          },
        }
      : { independentPointsNote: PENALISED_TEST_NOTE }),
  };
}

/**
 * transfer.json of a run from its curves.json: per split kind and task the single-vs-all gap (the stored EXP3
 * curves evaluated by n), the contextual rate s_i of EXP3.2 with a_i and exchange rate s_i/a_i; per ordered pair
 * s_ij from the pairwise grid and from the joint fit of the random design — each with its replicate-level interval,
 * p, Benjamini–Hochberg q within its family and verdict at study.fdr, and the secondary F-test; TAG and
 * lookahead scores averaged over the probed points; Spearman agreement; the compute bill; missing points; every
 * estimate that could not be made, with the reason. No curve is fitted here.
 */
export function deriveTransfer(curves: CurvesFile, input: AnalyseInput): TransferFile {
  if (!Array.isArray(curves?.fits)) throw new ComputationError(`curves.json of run '${input.runId}' has no 'fits' list: run the Fit step again`);
  if (curves.runId !== input.runId) throw new ComputationError(`curves.json belongs to run '${curves.runId}', not '${input.runId}': run the Fit step of this run`);
  const { completed, missing } = matchResults(input.points, input.results);
  const plan = planFits(input.config, input.points, completed);
  const stored = new StoredFits(curves);

  const gaps: SingleVsAll[] = [];
  const contextual: ContextualTransfer[] = [];
  const pairwise: PairwiseTransfer[] = [];
  const failed: Failed[] = [];
  const { alpha, fdr } = input.config.study;

  for (const { split, tasks, pairwise: pairFits, joint } of plan) {
    for (const { task, single, all, contextual: surface, contextualPlacebo } of tasks) {
      if (single && all) {
        const singleFit = stored.fitOf(single);
        const allFit = stored.fitOf(all);
        gaps.push(singleVsAll(task, split, { selected: single.select(), fit: singleFit }, { selected: all.select(), fit: allFit }, alpha));
        const reasons = [singleFit, allFit].filter((f) => f.status === 'failed').map((f) => `${f.design}: ${f.error}`);
        if (reasons.length) failed.push({ analysis: 'singleVsAll', design: 'all', split, task, reason: `fitted gap unavailable (${reasons.join('; ')})` });
      }
      for (const fit of [surface, contextualPlacebo]) {
        if (!fit) continue;
        const r = readRate(stored, stored.fitOf(fit), 's', 'fit failed', alpha);
        if ('reason' in r) failed.push({ analysis: 'contextual', ...where(fit), reason: r.reason });
        else contextual.push({ task, split, ...(fit === contextualPlacebo ? { placebo: true as const } : {}), ...r });
      }
    }
    for (const pair of pairFits) {
      const r = readRate(stored, stored.fitOf(pair), 's', 'fit failed', alpha);
      if ('reason' in r) failed.push({ analysis: 'pairwise', ...where(pair), reason: r.reason });
      else pairwise.push({ source: pair.source!, target: pair.task, split, design: 'pairwise', ...(isPlacebo(pair.source!) ? { placebo: true as const } : {}), ...r });
    }
    for (const target of joint) {
      const fit = stored.fitOf(target);
      for (const source of target.sources!) {
        const r = readRate(stored, fit, `s_${source}`, 'joint fit failed', alpha);
        if ('reason' in r) failed.push({ analysis: 'pairwise', design: 'random', split, task: target.task, source, reason: r.reason });
        else pairwise.push({ source, target: target.task, split, design: 'random', ...r });
      }
    }
  }

  // Families: one design and split; placebo estimates apart, so controls neither dilute nor inflate the real ones.
  assignFdrVerdicts(contextual, (c) => `contextual ${c.split}${c.placebo ? ' placebo' : ''}`, (c) => c.s, fdr);
  assignFdrVerdicts(pairwise, (p) => `pairwise ${p.design} ${p.split}${p.placebo ? ' placebo' : ''}`, (p) => p.s, fdr);
  for (const split of new Set(gaps.map((g) => g.split))) {
    assignFdrVerdicts(gaps.filter((g) => g.split === split).flatMap((g) => g.byN), () => `single-vs-all ${split}`, (b) => b.gap, fdr);
  }

  const singleFits = new Map(plan.flatMap(({ tasks }) => tasks.flatMap((t) => (t.single ? [stored.fitOf(t.single)] : []))).map((f) => [`${f.split}\u0000${f.task}`, f]));
  const { estimates: lookahead, efficiency: lookaheadEfficiency, failures: lookaheadFailures } = lookaheadEstimates(completed, (split, task) => singleFits.get(`${split}\u0000${task}`), alpha);
  for (const f of [...lookaheadCoverage(input.config, input.points), ...lookaheadFailures]) failed.push({ analysis: 'lookahead', design: 'lookahead', ...f });
  assignFdrVerdicts(lookahead, (l) => `lookahead ${l.split}${l.placebo ? ' placebo' : ''}`, (l) => l.s, fdr);

  const tag = tagScores(completed);
  const firstSplit = plan[0]?.split;
  const lists = pairScores({ pairwise, lookahead, tag }, firstSplit);
  const scores = Object.fromEntries(SCORE_NAMES.map((name) => [name, pairMap(lists[name])])) as Record<ScoreName, PairMap>;
  const agreement = agreementTable(scores);
  const tagGroups = tagGroupsOf(tag);
  const cost = costTable(completed);
  const reference = (['pairwise', 'random'] as const).find((d) => scores[d].size > 0);
  const comparison = reference
    ? compareScores(
        {
          name: reference,
          scores: scores[reference],
          positive: new Set(pairwise.filter((p) => p.design === reference && p.split === firstSplit && !p.placebo && p.verdict === 'positive').map((p) => pairKey(p.source, p.target))),
          seconds: scoreSeconds(cost, reference),
        },
        SCORE_NAMES.filter((name) => name !== reference && !(name === 'pairwise' && reference === 'random')).map((name) => ({ name, scores: scores[name], seconds: scoreSeconds(cost, name) })),
        alpha,
      )
    : undefined;

  return {
    runId: input.runId,
    singleVsAll: gaps,
    contextual,
    pairwise,
    tag,
    ...(tagGroups ? { tagGroups } : {}),
    lookahead,
    ...(lookaheadEfficiency.length ? { lookaheadEfficiency } : {}),
    agreement,
    ...(comparison ? { comparison } : {}),
    cost,
    missingPoints: missing,
    failed,
    ...(input.caps ? { caps: input.caps } : {}),
  };
}
