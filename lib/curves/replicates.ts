// Replicate-level inference for a transfer rate (docs/methods.md, "Inference"): the pooled least-squares estimate,
// its standard error from a leave-one-replicate-out jackknife, and a t interval and p-value on G − 1 degrees of
// freedom. Points of one replicate (fold × seed) share subsets and an initialisation, so they are not independent
// observations; replicates are.
import type { Verdict } from '../results.ts';
import { transferVerdict } from '../stats/ftest.ts';
import { tCritical, tTwoSidedP } from '../stats/tdist.ts';
import type { CurveData } from './data.ts';
import { fitCurve, type CurveFitResult } from './fit.ts';

export interface ReplicateInference {
  param: string;
  /** The pooled fit's estimate. */
  estimate: number;
  /** Replicate groups G; the t distribution has G − 1 degrees of freedom. */
  groups: number;
  /** Jackknife standard error, t, two-sided p and the (1 − alpha) t interval; null when not made (see note). */
  se: number | null;
  t: number | null;
  p: number | null;
  ci: [number, number] | null;
  /** positive / negative / none at alpha; null with too few replicates for a valid interval. */
  verdict: Verdict | null;
  note?: string;
}

export interface ReplicateOptions {
  alpha?: number;
  /** Fewer replicate groups than this give no interval and no verdict (default 4). */
  minGroups?: number;
  /** The pooled fit, when the caller has it. */
  full?: CurveFitResult;
}

function subset(data: CurveData, keep: boolean[]): CurveData {
  const pick = <T>(xs: T[] | undefined) => (xs ? xs.filter((_, i) => keep[i]) : undefined);
  return { ...data, n: pick(data.n)!, y: pick(data.y)!, nOther: pick(data.nOther), nSources: pick(data.nSources), group: pick(data.group) };
}

/**
 * Jackknife over replicate groups: θ_(g) is the rate fitted without group g; SE² = (G − 1)/G · Σ_g (θ_(g) − θ̄)²;
 * t = θ̂/SE on G − 1 df; CI = θ̂ ± t_{G−1, 1−α/2}·SE.
 */
export function replicateInference(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string, options: ReplicateOptions = {}): ReplicateInference {
  const alpha = options.alpha ?? 0.05;
  const minGroups = options.minGroups ?? 4;
  const full = options.full ?? fitCurve(model, data);
  const estimate = full.params[param];
  const labels = data.group ?? data.y.map((_, i) => i);
  const groups = [...new Set(labels)];
  const base = { param, estimate, groups: groups.length };
  const none = (note: string): ReplicateInference => ({ ...base, se: null, t: null, p: null, ci: null, verdict: null, note });
  if (groups.length < minGroups) return none(`${groups.length} replicate group(s): at least ${minGroups} are needed for a replicate-level interval; no verdict`);
  const leaveOut: number[] = [];
  for (const g of groups) {
    try {
      leaveOut.push(fitCurve(model, subset(data, labels.map((l) => l !== g))).params[param]);
    } catch (err) {
      return none(`the fit without replicate ${String(g)} failed: ${(err as Error).message}`);
    }
  }
  const G = groups.length;
  const mean = leaveOut.reduce((a, b) => a + b, 0) / G;
  const se = Math.sqrt(((G - 1) / G) * leaveOut.reduce((a, b) => a + (b - mean) ** 2, 0));
  const df = G - 1;
  if (!(se > 0)) return none('the replicates agree exactly (jackknife standard error 0)');
  const t = estimate / se;
  const p = tTwoSidedP(t, df);
  const half = tCritical(alpha, df) * se;
  return { ...base, se, t, p, ci: [estimate - half, estimate + half], verdict: transferVerdict(estimate, p, alpha) };
}
