// Student's t from the F distribution (T ~ t_ν ⇔ T² ~ F(1, ν)): the two-sided p-value and the critical value.
import { fCdf, fCriticalValue } from './ftest.ts';

/** Two-sided p-value of t on ν degrees of freedom: P(|T| ≥ |t|). */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return 1 - fCdf(t * t, 1, df);
}

/** The critical value c with P(|T| ≥ c) = alpha on ν degrees of freedom. */
export function tCritical(alpha: number, df: number): number {
  return Math.sqrt(fCriticalValue(alpha, 1, df));
}
