// Small statistics the report computes itself: the spread of repeated observations, and grouping.
// (Spearman's rho comes from lib/stats, the same function the Transfer step's agreement table uses.)

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
