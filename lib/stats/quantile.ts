// Sample quantiles and percentile intervals (for bootstrap confidence intervals).

/**
 * Quantile of a sample by linear interpolation between order statistics (Hyndman & Fan type 7,
 * the default of R and NumPy): with sorted x_(1..m) and h = (m − 1)·q, Q(q) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).
 * ±Infinity is allowed (e.g. an exchange rate s/a with a = 0); returns NaN for an empty sample.
 */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return quantileOfSorted(sorted, q);
}

export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  // Equal neighbours (including equal infinities) need no interpolation; Inf − Inf would give NaN.
  if (h === lo || sorted[lo] === sorted[hi]) return sorted[lo];
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Central percentile interval at confidence `level` (e.g. 0.95 → the 2.5% and 97.5% quantiles). */
export function percentileInterval(values: readonly number[], level: number): [number, number] {
  if (!(level > 0 && level < 1)) throw new RangeError(`percentileInterval: level must be in (0, 1), got ${level}`);
  const sorted = Float64Array.from(values).sort();
  const tail = (1 - level) / 2;
  return [quantileOfSorted(sorted, tail), quantileOfSorted(sorted, 1 - tail)];
}
