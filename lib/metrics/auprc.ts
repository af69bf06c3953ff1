import { ascendingOrder, checkSameLength } from './auroc.ts';

/**
 * Area under the precision–recall curve as average precision (the step-wise sum, no interpolation):
 *
 *   AP = Σ_k (R_k − R_{k−1}) · P_k
 *
 * over the distinct score thresholds k taken from the highest score down, where P_k and R_k are the precision
 * and recall of "score ≥ threshold k". Ties: samples with equal scores cross the threshold together, so a
 * tied group contributes one step whose precision counts all of its members (as scikit-learn does).
 * Returns null when the labels hold one class only (AP is trivially 1 or undefined then, and not comparable).
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const n = checkSameLength(labels, scores);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) nPos++;
  if (nPos === 0 || nPos === n) return null;
  const order = ascendingOrder(scores);
  let tp = 0;
  let seen = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let end = n; end > 0; ) {
    let start = end - 1;
    while (start > 0 && scores[order[start - 1]] === scores[order[end - 1]]) start--;
    for (let k = start; k < end; k++) if (labels[order[k]] === 1) tp++;
    seen += end - start;
    const recall = tp / nPos;
    ap += (recall - previousRecall) * (tp / seen);
    previousRecall = recall;
    end = start;
  }
  return ap;
}
