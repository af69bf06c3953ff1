import { checkSameLength } from './auroc.ts';

/** Probabilities are clipped to [ε, 1 − ε] so one confident mistake gives a large but finite loss. */
export const LOGLOSS_EPSILON = 1e-7;

/**
 * Mean binary cross-entropy of predicted probabilities:
 *
 *   logloss = −(1/n) Σ_i [ y_i·ln p_i + (1 − y_i)·ln(1 − p_i) ],   p_i clipped to [ε, 1 − ε], ε = 1e-7.
 *
 * Returns null for an empty set.
 */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number | null {
  const n = checkSameLength(labels, probabilities);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - LOGLOSS_EPSILON, Math.max(LOGLOSS_EPSILON, probabilities[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / n;
}
