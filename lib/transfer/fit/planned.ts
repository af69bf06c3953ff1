// One planned curve fitted exactly as the Fit step stores it: the fit, its bootstrap intervals (EXP3), its leave-one-
// replicate-out refits and, for a transfer model, the F-test and profile interval of each rate. Shared by every
// shard of the Fit step (shards.ts).
import { transferParamNames } from '../../curves/models.ts';
import type { CurveFit, FitFailure, RateTest } from '../../results.ts';
import { leaveOneReplicateOut } from '../../curves/replicates.ts';
import type { AnalyseInput } from '../analyseInput.ts';
import type { PlannedFit } from './plan.ts';
import { fitWithIntervals, profileRate, testRate, type FitOptions } from './curve.ts';

/** Bootstrap and test settings of a run: intervals at level 1 − alpha, so that an interval excluding 0 matches p < alpha. */
export function fitOptionsOf(config: AnalyseInput['config']): FitOptions {
  return { resamples: config.study.bootstrap, level: 1 - config.study.alpha, alpha: config.study.alpha };
}

/**
 * Why a joint fit has no profile intervals: each is a dozen constrained refits of the whole joint model, K − 1 of
 * them per target (measured on KIBA top-8: ~3 s per rate, 90 % of the Fit step), for a secondary reading that
 * assumes independent points.
 */
export const JOINT_PROFILE_NOTE =
  'not computed for the joint model (a dozen constrained refits of the whole model per rate, for a secondary interval that assumes independent points); the replicate-level interval is the one to read';

/** Why a penalised joint fit has no F-tests: each would refit the model with one of K − 1 rates removed, unpenalised. */
export const PENALISED_TEST_NOTE =
  'not made for the penalised joint model (more than 12 sources: the nested F-test of each rate would refit the whole model K − 1 times, and the penalty makes its F distribution wrong); the replicate-level interval is the one to read';

/**
 * Why a penalised joint rate has an estimate but no interval, p or verdict: its replicate-level test is not
 * calibrated. On the scale run (229 tasks, 51,302 pairs, training simulated from laws with 3 planted pairs) it
 * called 502 pairs without transfer at the 5 % FDR: a shrunk rate's leave-one-out refits sit close together near 0,
 * so the jackknife standard error is far too small. The estimate still ranks the sources.
 */
export const PENALISED_INFERENCE_NOTE =
  'no interval or verdict for a rate of the penalised joint model (more than 12 sources): its replicate-level test is not calibrated (the 229-task scale run called 502 of 51,299 pairs without transfer at the 5 % FDR); the estimate ranks the sources';

const isTransferModel = (model: CurveFit['model']): model is 'exp3.2' | 'pairwise' | 'joint' => model === 'exp3.2' || model === 'pairwise' || model === 'joint';

const whereOf = (f: PlannedFit) => ({ task: f.task, design: f.design, split: f.split, model: f.model, ...(f.source !== undefined ? { source: f.source } : {}) });

/** The fit's leave-one-replicate-out refits, from which the Transfer step jackknifes every derived quantity. */
function withJackknife(curve: CurveFit, planned: PlannedFit, selected: ReturnType<PlannedFit['select']>): CurveFit {
  const loo = leaveOneReplicateOut(planned.model, selected.data, curve.penalty?.lambda);
  const replicateGroups = new Set(selected.data.group ?? []).size;
  return 'note' in loo ? { ...curve, replicateGroups, jackknifeNote: loo.note } : { ...curve, replicateGroups, jackknife: loo };
}

/**
 * Fits one planned curve (lib/transfer fitWithIntervals) with its leave-one-replicate-out refits (EXP3 and
 * transfer models, which the Transfer step derives quantities from); for a transfer model, also the nested F-test of each
 * transfer rate r ∈ {s} (exp3.2, pairwise) or {s_j} (joint): F = (SSE₀ − SSE₁) / (SSE₁/(N − p₁)) against the fit
 * with r = 0, stored under `tests[r]`, and (exp3.2, pairwise) its profile interval {r₀ : F(r₀) ≤ F_{1−α}(1, N − p₁)}
 * under `profileCi[r]` (unbounded ends, failures and the joint model's absence explained in `profileCiNote`). The
 * full fit is made once and shared by every test. A fit or test that cannot be made goes to `failed`.
 */
export function fitPlanned(planned: PlannedFit, options: FitOptions, failed: FitFailure[]): CurveFit {
  const selected = planned.select();
  const outcome = fitWithIntervals({ task: planned.task, design: planned.design, split: planned.split, model: planned.model, ...(planned.source !== undefined ? { source: planned.source } : {}), selected }, options);
  if (!outcome.fit) {
    failed.push({ ...whereOf(planned), reason: outcome.curve.error ?? 'fit failed' });
    return outcome.curve;
  }
  if (!isTransferModel(planned.model)) return planned.model === 'exp3' ? withJackknife(outcome.curve, planned, selected) : outcome.curve;
  if (outcome.fit.penalty) return withJackknife(outcome.curve, planned, selected);
  const tests: Record<string, RateTest> = {};
  const profileCi: Record<string, [number, number]> = {};
  const notes: Record<string, string> = {};
  for (const rate of transferParamNames(planned.model, selected.data)) {
    const test = testRate(planned.model, selected, rate, options.alpha, outcome.fit);
    if ('error' in test) {
      failed.push({ ...whereOf(planned), rate, reason: test.error });
      continue;
    }
    tests[rate] = { F: test.F, df1: test.df1, df2: test.df2, p: test.p, verdict: test.verdict, alpha: test.alpha, sseReduced: test.sseReduced };
    if (planned.model === 'joint') {
      notes[rate] = JOINT_PROFILE_NOTE;
      continue;
    }
    const profile = profileRate(planned.model, selected, rate, outcome.fit, test);
    if ('error' in profile) {
      notes[rate] = `no profile interval: ${profile.error}`;
      continue;
    }
    profileCi[rate] = [profile.lo, profile.hi];
    const open = unboundedNote(profile.lo, profile.hi);
    if (open) notes[rate] = open;
  }
  const curve: CurveFit = { ...outcome.curve, tests, ...(Object.keys(profileCi).length ? { profileCi } : {}), ...(Object.keys(notes).length ? { profileCiNote: notes } : {}) };
  return withJackknife(curve, planned, selected);
}

/** Which ends of a profile interval are unbounded, in words (undefined when both are finite). */
export function unboundedNote(lo: number, hi: number): string | undefined {
  const ends = [lo === -Infinity ? 'lower' : '', hi === Infinity ? 'upper' : ''].filter(Boolean);
  if (ends.length === 0) return undefined;
  return `${ends.join(' and ')} end${ends.length === 2 ? 's' : ''} unbounded (null in JSON): the F-test rejects no rate however far out on that side, so the data do not bound it there`;
}
