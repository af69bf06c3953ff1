// One curve fit with its bootstrap intervals (and, for a transfer rate, its nested F-test), never throwing on
// a curve that cannot be fitted: that becomes a CurveFit with status 'failed' and the reason.
import { bootstrapFit, type BootstrapResult } from '../../curves/bootstrap.ts';
import type { CurveFitResult } from '../../curves/fit.ts';
import { fitCurve } from '../../curves/fit.ts';
import type { CurvePoint } from '../../curves/data.ts';
import { profileInterval, type ProfileInterval } from '../../curves/profile.ts';
import { transferTest, type TransferTestResult } from '../../curves/transfer-test.ts';
import { hashUniform } from '../../design/pointId.ts';
import { MtlcError } from '../../errors.ts';
import type { CurveFit, FitIdentity } from '../../results.ts';
import type { SelectedCurve } from '../curveData.ts';

export interface FitRequest extends FitIdentity {
  selected: SelectedCurve;
}

export interface FitOptions {
  /** Bootstrap resamples (study.bootstrap). */
  resamples: number;
  /** Confidence level of the intervals (1 − study.alpha, so that an interval excluding 0 matches p < alpha). */
  level: number;
  alpha: number;
}

export interface FitOutcome {
  curve: CurveFit;
  /** Present when the fit succeeded. */
  fit?: CurveFitResult;
  boot?: BootstrapResult;
}

/** Deterministic bootstrap seed per fit, so reruns reproduce the intervals and fits do not share resamples. */
function bootstrapSeed(r: FitRequest): number {
  return Math.floor(hashUniform('bootstrap', r.task, r.design, r.split, r.model, r.source ?? '') * 2 ** 32);
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Where an EXP3 curve's pointwise band is evaluated: every trained n and `between` log-spaced n inside each gap
 * between consecutive trained n (n_k·(n_{k+1}/n_k)^(t/(between+1)), t = 1…between).
 */
export function bandGrid(trained: readonly number[], between = 3): number[] {
  const ns = [...new Set(trained)].filter((n) => n > 0).sort((p, q) => p - q);
  const out: number[] = [];
  ns.forEach((n, k) => {
    out.push(n);
    const next = ns[k + 1];
    if (next !== undefined) for (let t = 1; t <= between; t++) out.push(n * Math.pow(next / n, t / (between + 1)));
  });
  return out;
}

/**
 * Fits `model` to the selected curve. An EXP3 curve with two or more replicate groups (fold × seed) also gets
 * group-bootstrap percentile intervals of its parameters, the number of groups (bootstrapGroups) and the
 * pointwise band of P(n) over the refits (at bandGrid of the trained n), which the report draws. Transfer models
 * are not bootstrapped: their intervals are the replicate-level ones of the Transfer step (docs/methods.md,
 * "Inference"), and a percentile bootstrap over a handful of groups covers far less than it claims. A curve
 * that cannot be fitted gives status 'failed' with the reason; one that can be fitted but not bootstrapped
 * (one group) keeps its estimate and says why it has no interval (ciError).
 */
export function fitWithIntervals(request: FitRequest, options: FitOptions): FitOutcome {
  const { task, design, split, model, source, selected } = request;
  const base: Omit<CurveFit, 'status' | 'params' | 'sse' | 'nPoints'> = { task, design, split, model, ...(source !== undefined ? { source } : {}) };
  const nPoints = selected.data.y.length;
  const undefinedNote = selected.undefinedY ? ` (${selected.undefinedY} observation(s) without a defined AUROC left out)` : '';
  let fit: CurveFitResult;
  try {
    fit = fitCurve(model, selected.data);
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { curve: { ...base, status: 'failed', error: reasonOf(err) + undefinedNote, params: {}, sse: Number.NaN, nPoints } };
  }
  const curve: CurveFit = { ...base, status: 'ok', params: fit.params, sse: fit.sse, nPoints, ...(fit.penalty ? { penalty: fit.penalty } : {}) };
  if (model !== 'exp3') return { curve, fit };
  const groups = new Set(selected.data.group ?? []).size;
  if (groups < 2) return { curve: { ...curve, ciError: `no interval: ${groups} replicate group(s) (fold × seed); the bootstrap needs 2 or more` }, fit };
  try {
    const bandAt: CurvePoint[] = bandGrid(selected.data.n).map((n) => ({ n }));
    const boot = bootstrapFit(model, selected.data, { resamples: options.resamples, level: options.level, seed: bootstrapSeed(request), full: fit, bandAt });
    const ciError = boot.failed ? `${boot.failed} of ${boot.failed + boot.resamples} resamples could not be fitted (first: ${boot.firstFailure})` : undefined;
    const band = boot.band?.map((b) => ({ n: b.point.n, lo: b.lo, hi: b.hi }));
    return { curve: { ...curve, ci: boot.ci, bootstrapGroups: boot.groups, ...(band?.length ? { band } : {}), ...(ciError ? { ciError } : {}) }, fit, boot };
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { curve: { ...curve, ciError: reasonOf(err) }, fit };
  }
}

/** The nested F-test of one transfer rate (reusing the full fit when given), or the reason it cannot be made. */
export function testRate(model: 'exp3.2' | 'pairwise' | 'joint', selected: SelectedCurve, param: string, alpha: number, full?: CurveFitResult): TransferTestResult | { error: string } {
  try {
    return transferTest(model, selected.data, param, { alpha, ...(full ? { full } : {}) });
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { error: reasonOf(err) };
  }
}

/**
 * The profile (F-inversion) interval of one transfer rate at level 1 − test.alpha, deciding 0 by the test's own
 * p-value (so 0 ∈ interval ⇔ p ≥ alpha), or the reason it cannot be made.
 */
export function profileRate(model: 'exp3.2' | 'pairwise' | 'joint', selected: SelectedCurve, param: string, full: CurveFitResult, test: TransferTestResult): ProfileInterval | { error: string } {
  try {
    return profileInterval(model, selected.data, param, { level: 1 - test.alpha, full, test });
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { error: reasonOf(err) };
  }
}
