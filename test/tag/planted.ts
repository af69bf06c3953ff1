// A planted multi-task problem: dense Gaussian features; tasks in one group label compounds by the sign of the
// same latent direction (plus noise), other tasks by independent directions. Known structure for TAG and lookahead.
import type { FeatureMatrix, LabelMatrix } from '../../lib/types.ts';
import { createRng, shuffleInPlace } from '../../lib/stats/rng.ts';

export interface PlantedProblem {
  features: FeatureMatrix;
  labels: LabelMatrix;
  /** Rows labelled for each task, in a seeded random order (a nested training order). */
  rowsOf: Record<string, Int32Array>;
}

export interface PlantedOptions {
  compounds: number;
  dim: number;
  /** Task name → group id; tasks with the same id share a labelling direction. */
  groups: Record<string, number>;
  /** Fraction of compounds labelled for each task. */
  density: number;
  /** Label noise: y = [x·u + noise·ε > 0]. */
  noise: number;
  seed: number;
}

export function plantedProblem(o: PlantedOptions): PlantedProblem {
  const rng = createRng(o.seed);
  const gauss = () => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const tasks = Object.keys(o.groups);
  const directions = new Map<number, number[]>();
  for (const g of new Set(Object.values(o.groups))) directions.set(g, Array.from({ length: o.dim }, gauss));
  const values = new Float32Array(o.compounds * o.dim);
  for (let i = 0; i < values.length; i++) values[i] = gauss();
  const labels = new Int8Array(o.compounds * tasks.length).fill(-1);
  const rowsOf: Record<string, Int32Array> = {};
  tasks.forEach((task, k) => {
    const u = directions.get(o.groups[task])!;
    const rows: number[] = [];
    for (let r = 0; r < o.compounds; r++) {
      if (rng.next() >= o.density) continue;
      let s = 0;
      for (let d = 0; d < o.dim; d++) s += values[r * o.dim + d] * u[d];
      labels[r * tasks.length + k] = s / Math.sqrt(o.dim) + o.noise * gauss() > 0 ? 1 : 0;
      rows.push(r);
    }
    rowsOf[task] = shuffleInPlace(Int32Array.from(rows), rng);
  });
  return {
    features: { kind: 'dense', dim: o.dim, values },
    labels: { compoundIds: Array.from({ length: o.compounds }, (_, r) => `c${r}`), tasks, labels },
    rowsOf,
  };
}
