// Small statistics the report computes itself: ranks, Spearman's rho, and the spread of repeated observations.

/** Ranks 1..m with ties given their average rank (the usual convention for Spearman's rho). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); null when undefined (m < 2 or a constant variable). */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const m = x.length;
  if (m !== y.length) throw new RangeError(`pearson: ${m} x values but ${y.length} y values`);
  if (m < 2) return null;
  const mx = x.reduce((s, v) => s + v, 0) / m;
  const my = y.reduce((s, v) => s + v, 0) / m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < m; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
    syy += (y[k] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/**
 * Spearman's rank correlation: ρ = Pearson correlation of the average ranks of x and of y
 * (equals 1 − 6Σd²/(m(m²−1)) when there are no ties). Null with fewer than 3 pairs or a constant variable.
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 3) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

/** Mean, sample SD, min and max of the repeated observations (seeds × folds) at one sample size. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  count: number;
}

/** Spread of a non-empty list; sd = √(Σ(v−mean)²/(count−1)), 0 for a single value. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of an empty list');
  const count = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / count;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, sd: count > 1 ? Math.sqrt(ss / (count - 1)) : 0, min: Math.min(...values), max: Math.max(...values), count };
}

/** Groups items by a string key, keeping first-seen order of the keys. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
