// An interval for an AUROC from its class counts (Hanley & McNeil 1982), for separating related from unrelated pairs.
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import { auroc } from '../metrics/auroc.ts';

/**
 * AUROC with a Wald interval from the Hanley–McNeil standard error:
 *   SE² = (A(1 − A) + (n₊ − 1)(Q₁ − A²) + (n₋ − 1)(Q₂ − A²)) / (n₊·n₋),  Q₁ = A/(2 − A),  Q₂ = 2A²/(1 + A),
 * the interval A ± z_{1−α/2}·SE clipped to [0, 1]. It treats the pairs as independent, which pairs sharing a target
 * are not quite: read it as a lower bound on the uncertainty. Null AUROC when one class is empty.
 */
export function aurocWithInterval(labels: ArrayLike<number>, scores: ArrayLike<number>, alpha = 0.05): { auroc: number | null; ci: [number, number] | null; positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  const a = auroc(labels, scores);
  if (a === null) return { auroc: null, ci: null, positives, negatives };
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const se = Math.sqrt(Math.max(0, (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives)));
  const half = normalQuantileOf(1 - alpha / 2, 0, 1) * se;
  return { auroc: a, ci: [Math.max(0, a - half), Math.min(1, a + half)], positives, negatives };
}
