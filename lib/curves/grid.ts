// The global part of the fit: evaluate the reduced sum of squares on a grid of the nonlinear parameters
// and keep the best local minima of the grid as starting points for the local polish.

/** `perDecade` log-spaced values from lo to hi inclusive (lo, hi > 0). */
export function logspace(lo: number, hi: number, perDecade: number): number[] {
  if (!(hi > lo)) return [lo];
  const decades = Math.log10(hi / lo);
  const count = Math.max(2, Math.ceil(decades * perDecade) + 1);
  return Array.from({ length: count }, (_, i) => lo * Math.pow(hi / lo, i / (count - 1)));
}

/** count equally spaced values from lo to hi inclusive. */
export function linspace(lo: number, hi: number, count: number): number[] {
  if (count < 2) return [lo];
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

/**
 * Evaluates `objective` on the tensor grid axes[0] × axes[1] × …, finds the grid's local minima
 * (no axis neighbour lower) and returns the `keep` lowest of them as points.
 */
export function bestGridPoints(axes: readonly (readonly number[])[], objective: (theta: number[]) => number, keep: number): number[][] {
  const shape = axes.map((a) => a.length);
  const total = shape.reduce((p, s) => p * s, 1);
  const values = new Float64Array(total);
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((p, s) => p * s, 1));
  const point = (flat: number): number[] => axes.map((axis, k) => axis[Math.floor(flat / strides[k]) % shape[k]]);
  for (let flat = 0; flat < total; flat++) {
    const v = objective(point(flat));
    values[flat] = Number.isNaN(v) ? Infinity : v;
  }
  const minima: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let isMin = true;
    for (let k = 0; k < shape.length && isMin; k++) {
      const idx = Math.floor(flat / strides[k]) % shape[k];
      if (idx > 0 && values[flat - strides[k]] < values[flat]) isMin = false;
      if (idx < shape[k] - 1 && values[flat + strides[k]] < values[flat]) isMin = false;
    }
    if (isMin) minima.push(flat);
  }
  minima.sort((i, j) => values[i] - values[j] || i - j);
  return minima.slice(0, keep).map(point);
}

/** Minimises over one coordinate of theta on a list of values, keeping the others; returns the best value. */
export function bestOnLine(theta: number[], index: number, values: readonly number[], objective: (theta: number[]) => number): number {
  const trial = theta.slice();
  let best = theta[index];
  trial[index] = best;
  let bestValue = objective(trial);
  for (const v of values) {
    trial[index] = v;
    const value = objective(trial);
    if (value < bestValue) {
      bestValue = value;
      best = v;
    }
  }
  return best;
}

/**
 * bestGridPoints for a fine 2-D grid at a fraction of its evaluations: the grid of every second value of each
 * axis (ends kept) first; then each of its `2·keep` lowest local minima is refined to the lowest fine cell within
 * ±`window` cells of it (±1 reaches every fine cell between a coarse minimum and its coarse neighbours). The
 * refined cells, without repeats, are returned, the `keep` lowest first. A basin of the fine grid is missed only
 * when no coarse cell in it is a local minimum of the coarse grid.
 */
export function coarseToFineGridPoints(axes: readonly [readonly number[], readonly number[]], objective: (theta: number[]) => number, keep: number, window = 1): number[][] {
  const [n0, n1] = [axes[0].length, axes[1].length];
  const values = new Float64Array(n0 * n1).fill(Number.NaN);
  const at = (i: number, j: number): number => {
    const flat = i * n1 + j;
    if (Number.isNaN(values[flat])) {
      const v = objective([axes[0][i], axes[1][j]]);
      values[flat] = Number.isNaN(v) ? Infinity : v;
    }
    return values[flat];
  };
  const coarse = (n: number) => [...new Set([...Array.from({ length: Math.ceil(n / 2) }, (_, k) => 2 * k), n - 1])];
  const [c0, c1] = [coarse(n0), coarse(n1)];
  const coarseMinima: [number, number, number][] = [];
  for (let a = 0; a < c0.length; a++) {
    for (let b = 0; b < c1.length; b++) {
      const v = at(c0[a], c1[b]);
      const lower =
        (a > 0 && at(c0[a - 1], c1[b]) < v) || (a < c0.length - 1 && at(c0[a + 1], c1[b]) < v) || (b > 0 && at(c0[a], c1[b - 1]) < v) || (b < c1.length - 1 && at(c0[a], c1[b + 1]) < v);
      if (!lower) coarseMinima.push([c0[a], c1[b], v]);
    }
  }
  coarseMinima.sort((p, q) => p[2] - q[2] || p[0] - q[0] || p[1] - q[1]);
  const refined = new Set<number>();
  for (const [i, j] of coarseMinima.slice(0, 2 * keep)) {
    let best = i * n1 + j;
    for (let p = Math.max(0, i - window); p <= Math.min(n0 - 1, i + window); p++) {
      for (let q = Math.max(0, j - window); q <= Math.min(n1 - 1, j + window); q++) {
        if (at(p, q) < values[best]) best = p * n1 + q;
      }
    }
    refined.add(best);
  }
  return [...refined]
    .sort((p, q) => values[p] - values[q] || p - q)
    .slice(0, keep)
    .map((flat) => [axes[0][Math.floor(flat / n1)], axes[1][flat % n1]]);
}
