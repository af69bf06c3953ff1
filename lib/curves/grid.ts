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
