// Replicate-level inference (docs/methods.md, "Inference"): the pooled least-squares estimate, its standard error
// from a leave-one-replicate-out jackknife, and a t interval and p-value on G − 1 degrees of freedom. Points of one
// replicate (fold × seed) share subsets and an initialisation, so they are not independent observations;
// replicates are. The leave-out fits are made once per curve; any quantity computed from the parameters (a rate,
// the exchange rate s/a, the gap between two curves at n) is then jackknifed from them.
import { tCritical, tTwoSidedP } from '../stats/tdist.ts';
import { replicateGroups, selectPoints, type CurveData } from './data.ts';
import { MtlcError } from '../errors.ts';
import { fitCurve } from './fit.ts';
import type { CurveModelName, ReplicateInference } from '../results.ts';

/** Fewer replicate groups than this give no interval and no verdict: a t on 1–2 df is too wide to be useful and a jackknife over 2–3 groups too coarse. */
export const MIN_REPLICATE_GROUPS = 4;

/** The fits of one curve with each replicate group left out in turn, in `groups` order. */
export interface LeaveOneOut {
  groups: string[];
  params: Record<string, number>[];
}

/**
 * Refits `model` without each replicate group in turn; a refit that cannot be made is the reason there is no
 * jackknife. A penalised joint fit's refits keep its penalty (`penalty`: the λ the full data chose).
 */
export function leaveOneReplicateOut(model: CurveModelName, data: CurveData, penalty?: number): LeaveOneOut | { note: string } {
  const byGroup = replicateGroups(data);
  const groups = [...byGroup.keys()];
  if (groups.length < 2) return { note: `${groups.length} replicate group (fold × seed): a jackknife needs 2 or more` };
  const params: Record<string, number>[] = [];
  for (const g of groups) {
    const left = new Set(byGroup.get(g));
    try {
      params.push(fitCurve(model, selectPoints(data, data.y.flatMap((_, p) => (left.has(p) ? [] : [p]))), { penalty }).params);
    } catch (err) {
      if (!(err instanceof MtlcError)) throw err;
      return { note: `the fit without replicate ${g} failed: ${err.message}` };
    }
  }
  return { groups, params };
}

/**
 * Jackknife of θ̂ from its leave-one-out values θ_(g): SE² = (G − 1)/G · Σ_g (θ_(g) − θ̄)², t = θ̂/SE on G − 1 df,
 * CI = θ̂ ± t_{G−1, 1−α/2}·SE. No interval (note) below MIN_REPLICATE_GROUPS groups or for a non-finite value.
 */
export function jackknife(estimate: number, leaveOut: readonly number[], alpha: number, minGroups = MIN_REPLICATE_GROUPS): ReplicateInference {
  const G = leaveOut.length;
  const none = (note: string): ReplicateInference => ({ groups: G, se: null, df: null, t: null, p: null, ci: null, note });
  if (G < minGroups) return none(`${G} replicate group(s) (fold × seed): at least ${minGroups} are needed for a replicate-level interval; no verdict`);
  if (!Number.isFinite(estimate) || !leaveOut.every(Number.isFinite)) return none('the estimate is not finite with every replicate left out');
  const mean = leaveOut.reduce((a, b) => a + b, 0) / G;
  const se = Math.sqrt(((G - 1) / G) * leaveOut.reduce((a, b) => a + (b - mean) ** 2, 0));
  if (!(se > 0)) return none('the replicates agree exactly (jackknife standard error 0)');
  const df = G - 1;
  const t = estimate / se;
  const half = tCritical(alpha, df) * se;
  return { groups: G, se, df, t, p: tTwoSidedP(t, df), ci: [estimate - half, estimate + half] };
}

/** Jackknife inference of one parameter of a curve fit: the leave-out fits made here. */
export function replicateInference(model: CurveModelName, data: CurveData, param: string, options: { alpha?: number; full?: { params: Record<string, number> } } = {}): ReplicateInference {
  const alpha = options.alpha ?? 0.05;
  const estimate = (options.full ?? fitCurve(model, data)).params[param];
  const loo = leaveOneReplicateOut(model, data);
  if ('note' in loo) return { groups: replicateGroups(data).size, se: null, df: null, t: null, p: null, ci: null, note: loo.note };
  return jackknife(estimate, loo.params.map((p) => p[param]), alpha);
}
