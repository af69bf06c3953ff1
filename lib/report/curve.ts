// The fitted curve laws evaluated for drawing: EXP3 lines with their confidence band, and EXP3.2 slices.
import { predict } from '../curves/models.ts';
import type { CurveFit } from '../results.ts';

/** EXP3 at n, from lib/curves' formula table: P(n) = c − exp(b − a·n). */
export function exp3(p: { a: number; b: number; c: number }, n: number): number {
  return predict('exp3', p, { n });
}

/** EXP3.2 (and the pairwise form) at (n, m), from the formula table: c − exp(b − a·n − s·m), m = n_Σ or n_j. */
export function exp32(p: { a: number; s: number; b: number; c: number }, n: number, m: number): number {
  return predict('exp3.2', p, { n, nOther: m });
}

/** `count` sample sizes spaced evenly in log n from `min` to `max` (inclusive), for smooth lines on a log axis. */
export function logGrid(min: number, max: number, count = 40): number[] {
  if (!(min > 0) || !(max >= min)) throw new RangeError(`logGrid needs 0 < min <= max, got ${min}, ${max}`);
  if (min === max || count < 2) return [min];
  const step = Math.log(max / min) / (count - 1);
  return Array.from({ length: count }, (_, k) => (k === count - 1 ? max : min * Math.exp(step * k)));
}

/** The EXP3 parameters of a fit, or undefined when the fit failed or lacks one of a, b, c. */
export function exp3Params(fit: CurveFit): { a: number; b: number; c: number } | undefined {
  if (fit.status !== 'ok') return undefined;
  const { a, b, c } = fit.params;
  return [a, b, c].every((v) => typeof v === 'number' && Number.isFinite(v)) ? { a, b, c } : undefined;
}

/** The EXP3.2 / pairwise parameters of a fit, or undefined when the fit failed or lacks one of a, s, b, c. */
export function exp32Params(fit: CurveFit): { a: number; s: number; b: number; c: number } | undefined {
  if (fit.status !== 'ok') return undefined;
  const { a, s, b, c } = fit.params;
  return [a, s, b, c].every((v) => typeof v === 'number' && Number.isFinite(v)) ? { a, s, b, c } : undefined;
}

export type BandSource = 'bootstrap' | 'parameter-box';

/**
 * Confidence band of an EXP3 fit at each n. With a pointwise bootstrap band on the fit (`fit.band`) it is
 * interpolated in log n. Otherwise it is the envelope of the curves whose parameters lie in their marginal
 * CIs: P rises with a and c and falls with b, so lo(n) = c_lo − exp(b_hi − a_lo·n) and
 * hi(n) = c_hi − exp(b_lo − a_hi·n) — conservative (at least as wide as a joint band from the same CIs).
 * Undefined when the fit has neither.
 */
export function exp3Band(fit: CurveFit, ns: readonly number[]): { source: BandSource; lo: number[]; hi: number[] } | undefined {
  if (fit.status !== 'ok') return undefined;
  if (fit.band && fit.band.length >= 2) {
    const pts = [...fit.band].sort((p, q) => p.n - q.n);
    return { source: 'bootstrap', lo: ns.map((n) => interpLog(pts, n, 'lo')), hi: ns.map((n) => interpLog(pts, n, 'hi')) };
  }
  const ci = fit.ci;
  if (!ci?.a || !ci.b || !ci.c) return undefined;
  if (![...ci.a, ...ci.b, ...ci.c].every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined; // an open CI bounds nothing
  const [aLo, aHi] = ci.a;
  const [bLo, bHi] = ci.b;
  const [cLo, cHi] = ci.c;
  return {
    source: 'parameter-box',
    lo: ns.map((n) => cLo - Math.exp(bHi - aLo * n)),
    hi: ns.map((n) => cHi - Math.exp(bLo - aHi * n)),
  };
}

/** Linear interpolation in log n, held constant beyond the ends. */
function interpLog(pts: { n: number; lo: number; hi: number }[], n: number, key: 'lo' | 'hi'): number {
  if (n <= pts[0].n) return pts[0][key];
  const last = pts[pts.length - 1];
  if (n >= last.n) return last[key];
  let k = 1;
  while (pts[k].n < n) k++;
  const p = pts[k - 1];
  const q = pts[k];
  const t = Math.log(n / p.n) / Math.log(q.n / p.n);
  return p[key] + t * (q[key] - p[key]);
}
