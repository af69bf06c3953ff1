/**
 * Area under the ROC curve by the rank-sum (Mann–Whitney) identity:
 *
 *   AUROC = (R₊ − n₊(n₊ + 1)/2) / (n₊ · n₋)
 *
 * where R₊ is the sum of the ranks (1 = lowest score) of the positives and tied scores share the average of
 * the ranks they span, so a positive tied with a negative counts one half. It equals P(score₊ > score₋) + ½·P(tie).
 * Returns null when the labels hold one class only (the AUROC is undefined then, not 0.5).
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const n = checkSameLength(labels, scores);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = ascendingOrder(scores);
  let rankSumPos = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // ranks start+1 .. end (1-based) are tied: each gets their mean
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (labels[order[k]] === 1) rankSumPos += averageRank;
    start = end;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function checkSameLength(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (labels.length !== scores.length) {
    throw new RangeError(`labels (${labels.length}) and scores (${scores.length}) differ in length`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}; expected 0 or 1`);
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
  }
  return labels.length;
}

export function ascendingOrder(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[a] - scores[b]);
  return order;
}
