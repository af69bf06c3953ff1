// Bootstrap confidence intervals of curve parameters, resampling replicate groups (seeds/folds).
import { ComputationError, MtlcError } from '../errors.ts';
import type { CurveModelName } from '../results.ts';
import { percentileInterval } from '../stats/quantile.ts';
import { createRng } from '../stats/rng.ts';
import { replicateGroups, selectPoints, type CurveData, type CurvePoint } from './data.ts';
import { type CurveFitResult, fitCurve } from './fit.ts';
import { exchangeRates } from './models.ts';

export interface BootstrapOptions {
  /** Number of resamples (default 200). */
  resamples?: number;
  /** Seed of the resampling generator (default 0). */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  level?: number;
  /** Points at which to give a pointwise band of the fitted curve (percentile interval of P over the refits). */
  bandAt?: CurvePoint[];
  /** The fit to all the data, when the caller has made it. */
  full?: CurveFitResult;
}

export interface BootstrapResult {
  /** The fit to all the data, with its exchange rates s/a in `derived`. */
  fit: CurveFitResult;
  derived: Record<string, number>;
  /** Percentile interval of every parameter and of the exchange rate(s) s/a. */
  ci: Record<string, [number, number]>;
  /** With `bandAt`: at each of its points, the percentile interval [lo, hi] of the refitted curves' P there. */
  band?: { point: CurvePoint; lo: number; hi: number }[];
  /** Resamples whose refit succeeded (the intervals use these). */
  resamples: number;
  /** Resamples that could not be fitted (e.g. all drawn groups at one n), with the first reason. */
  failed: number;
  firstFailure?: string;
  groups: number;
  level: number;
  seed: number;
}

/**
 * Group (cluster) bootstrap: with G replicate groups (the points of one seed/fold), draw G groups with
 * replacement, refit the model to their points, repeat B times; the level-L interval of a quantity θ is
 * the percentile interval [Q_{(1−L)/2}, Q_{(1+L)/2}] of its B refitted values (type-7 quantiles).
 * Resampling whole groups keeps the dependence between points that share a seed/fold.
 * Exchange rates s/a are computed per resample, so their interval is that of the ratio. The pointwise band at
 * a point x is the same percentile interval of the refitted P̂_b(x), b = 1…B (a pointwise, not simultaneous, band).
 */
export function bootstrapFit(model: CurveModelName, data: CurveData, options: BootstrapOptions = {}): BootstrapResult {
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new ComputationError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new ComputationError(`bootstrap: level must be in (0, 1), got ${level}`);

  const fit = options.full ?? fitCurve(model, data);
  const derived = exchangeRates(model, fit.params);
  const groups = [...replicateGroups(data).values()];
  if (groups.length < 2) throw new ComputationError(`bootstrap: needs at least 2 replicate groups, the curve has ${groups.length}`);

  const rng = createRng(seed);
  const draws: Record<string, number[]> = {};
  for (const name of [...Object.keys(fit.params), ...Object.keys(derived)]) draws[name] = [];
  const bandAt = options.bandAt ?? [];
  const bandDraws: number[][] = bandAt.map(() => []);
  let failed = 0;
  let firstFailure: string | undefined;
  // A resample is a multiset of groups, and the fit depends on nothing else: with G groups there are only
  // C(2G − 1, G) of them (126 for G = 5, 10 for G = 3), so each distinct one is fitted once.
  const refits = new Map<string, { values: Record<string, number>; band: number[] } | { error: string }>();
  for (let b = 0; b < resamples; b++) {
    const drawn = Array.from({ length: groups.length }, () => rng.int(groups.length)).sort((i, j) => i - j);
    const key = drawn.join(',');
    let outcome = refits.get(key);
    if (!outcome) {
      try {
        const refit = fitCurve(model, selectPoints(data, drawn.flatMap((g) => groups[g])));
        outcome = { values: { ...refit.params, ...exchangeRates(model, refit.params) }, band: bandAt.map((point) => refit.predictAt(point)) };
      } catch (err) {
        if (!(err instanceof MtlcError)) throw err;
        outcome = { error: err.message };
      }
      refits.set(key, outcome);
    }
    if ('error' in outcome) {
      failed++;
      firstFailure ??= outcome.error;
      continue;
    }
    for (const [name, v] of Object.entries(outcome.values)) if (!Number.isNaN(v)) draws[name].push(v);
    outcome.band.forEach((v, k) => {
      if (Number.isFinite(v)) bandDraws[k].push(v);
    });
  }
  const ci: Record<string, [number, number]> = {};
  for (const [name, values] of Object.entries(draws)) if (values.length > 0) ci[name] = percentileInterval(values, level);
  const band = bandAt.flatMap((point, k) => {
    if (bandDraws[k].length === 0) return [];
    const [lo, hi] = percentileInterval(bandDraws[k], level);
    return [{ point, lo, hi }];
  });
  return { fit, derived, ci, ...(options.bandAt ? { band } : {}), resamples: resamples - failed, failed, ...(firstFailure ? { firstFailure } : {}), groups: groups.length, level, seed };
}
