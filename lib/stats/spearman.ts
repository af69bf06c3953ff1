// Spearman rank correlation, for comparing transfer scores (s_ij, TAG Z, the snapshot branches' ŝ) over task pairs.
import { InputError } from '../errors.ts';

/** Ranks 1..m, ties sharing the average of the ranks they span (fractional ranking). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of the 1-based ranks start+1..end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's ρ: the Pearson correlation of the average ranks,
 * ρ = Σ (R_k − R̄)(S_k − S̄) / √(Σ (R_k − R̄)² · Σ (S_k − S̄)²).
 * Returns null when undefined or empty of information: fewer than 3 pairs (two pairs always give ±1), or all
 * values of either side tied.
 * Every value must be finite (drop missing pairs before calling).
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new InputError({}, `spearman: x has ${x.length} values but y has ${y.length}`);
  x.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError({ row: i + 1, column: 'x' }, `spearman: value ${v} is not finite`);
  });
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError({ row: i + 1, column: 'y' }, `spearman: value ${v} is not finite`);
  });
  if (x.length < 3) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const mean = (x.length + 1) / 2; // average ranks always sum to m(m+1)/2
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < rx.length; k++) {
    const dx = rx[k] - mean;
    const dy = ry[k] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
