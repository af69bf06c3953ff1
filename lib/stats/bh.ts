// Benjamini–Hochberg: q-values of a family of p-values (the smallest FDR at which each would be rejected).

/** q_i = min over k ≥ rank(i) of p_(k) · m / k, capped at 1; null p-values stay null and do not count in m. */
export function bhQValues(p: readonly (number | null)[]): (number | null)[] {
  const idx = p.map((v, i) => [v, i] as const).filter((x): x is readonly [number, number] => x[0] !== null && Number.isFinite(x[0]));
  idx.sort((a, b) => a[0] - b[0]);
  const m = idx.length;
  const q: (number | null)[] = p.map(() => null);
  let running = 1;
  for (let k = m; k >= 1; k--) {
    const [value, i] = idx[k - 1];
    running = Math.min(running, (value * m) / k);
    q[i] = running;
  }
  return q;
}
