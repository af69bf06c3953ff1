// One curve fit with its bootstrap intervals (and, for a transfer rate, its nested F-test), never throwing on
// a curve that cannot be fitted: that becomes a CurveFit with status 'failed' and the reason.
import { bootstrapFit, type BootstrapResult } from '../curves/bootstrap.ts';
import type { CurveFitResult } from '../curves/fit.ts';
import { fitCurve } from '../curves/fit.ts';
import { transferTest, type TransferTestResult } from '../curves/transfer-test.ts';
import { hashUniform } from '../design/pointId.ts';
import { MtlcError } from '../errors.ts';
import type { CurveFit, CurveModelName } from '../results.ts';
import type { DesignName, SplitKind } from '../types.ts';
import type { SelectedCurve } from './curveData.ts';

export interface FitRequest {
  task: string;
  design: DesignName;
  split: SplitKind;
  model: CurveModelName;
  source?: string;
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
 * Fits `model` to the selected curve; with two or more replicate groups (fold × seed) adds group-bootstrap
 * percentile intervals of every parameter and exchange rate. A curve that cannot be fitted gives status
 * 'failed' with the reason; one that can be fitted but not bootstrapped (one group) keeps its estimate and
 * says why it has no interval (ciError).
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
  const curve: CurveFit = { ...base, status: 'ok', params: fit.params, sse: fit.sse, nPoints };
  const groups = new Set(selected.data.group ?? []).size;
  if (groups < 2) return { curve: { ...curve, ciError: `no interval: ${groups} replicate group(s) (fold × seed); the bootstrap needs 2 or more` }, fit };
  try {
    const boot = bootstrapFit(model, selected.data, { resamples: options.resamples, level: options.level, seed: bootstrapSeed(request) });
    const ciError = boot.failed ? `${boot.failed} of ${boot.failed + boot.resamples} resamples could not be fitted (first: ${boot.firstFailure})` : undefined;
    return { curve: { ...curve, ci: boot.ci, ...(ciError ? { ciError } : {}) }, fit, boot };
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { curve: { ...curve, ciError: reasonOf(err) }, fit };
  }
}

/** The nested F-test of one transfer rate, or the reason it cannot be made. */
export function testRate(model: 'exp3.2' | 'pairwise' | 'joint', selected: SelectedCurve, param: string, alpha: number): TransferTestResult | { error: string } {
  try {
    return transferTest(model, selected.data, param, { alpha });
  } catch (err) {
    if (!(err instanceof MtlcError)) throw err;
    return { error: reasonOf(err) };
  }
}
