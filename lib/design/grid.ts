// Training sizes of a learning curve: a geometric grid that always ends at the task's full size.

/**
 * Geometric grid of training sizes: n_k = round(min · factor^k) for k = 0, 1, … while n_k < cap,
 * followed by `cap` itself as the last anchor. A cap below `min` gives the single anchor [cap];
 * a cap of 0 gives [] (nothing to train).
 */
export function geometricGrid(min: number, factor: number, cap: number): number[] {
  if (!(factor > 1)) throw new RangeError(`grid factor must be > 1, got ${factor}`);
  if (cap <= 0) return [];
  const sizes: number[] = [];
  for (let k = 0; ; k++) {
    const n = Math.round(min * factor ** k);
    if (n >= cap) break;
    // A small factor can round two steps to the same integer; keep each size once.
    if (sizes.length === 0 || n > sizes[sizes.length - 1]) sizes.push(n);
  }
  sizes.push(cap);
  return sizes;
}

/**
 * Log-uniform size in [lo, hi] from a uniform u in [0, 1): n = round(exp(ln lo + u · (ln hi − ln lo))).
 * Used by the random design, which draws every task's size independently over its grid range.
 */
export function logUniformSize(u: number, lo: number, hi: number): number {
  if (hi <= lo) return hi;
  return Math.min(hi, Math.max(lo, Math.round(Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))))));
}
