// A multi-task data set with planted task groups: the ground truth for the power of the transfer scores.
import { ComputationError } from '../errors.ts';
import type { FeatureMatrix, LabelMatrix } from '../types.ts';
import { createRng } from '../stats/rng.ts';

export interface PlantedGroupsOptions {
  /** Number of tasks in each planted group, e.g. [3, 2, 1]: tasks 0–2 share one direction, 3–4 another, 5 is alone. */
  groupSizes: number[];
  compounds: number;
  /** Feature dimension D; must be at least the number of groups (group directions are orthonormal). */
  dim: number;
  /** Fraction of the compounds each task labels, drawn independently per task (sparse label matrix). */
  observed: number;
  /** Standard deviation σ of the noise added to the score before thresholding (label noise). */
  noise: number;
  seed: number;
}

export interface PlantedGroups {
  labels: LabelMatrix;
  features: Extract<FeatureMatrix, { kind: 'dense' }>;
  /** The planted groups, as task names. */
  groups: string[][];
  /** Whether two tasks share a group (the truth a transfer score should recover). */
  related(source: string, target: string): boolean;
}

/**
 * Planted task groups. Compound features x ~ N(0, I_D). Group g has a unit direction u_g; the directions of
 * different groups are orthonormal, so tasks of different groups share no labelling information. Task t of
 * group g labels compound x as
 *
 *   y_t(x) = 1[ x·u_g + σ·ε_t(x) > 0 ],   ε ~ N(0, 1) independently per (task, compound),
 *
 * and observes it with probability `observed` (else −1, unmeasured). Tasks of one group are thus noisy copies
 * of one labelling rule (positive transfer expected); tasks of different groups are independent.
 */
export function plantedGroups(options: PlantedGroupsOptions): PlantedGroups {
  const { groupSizes, compounds, dim, observed, noise, seed } = options;
  if (groupSizes.length === 0 || groupSizes.some((g) => !Number.isInteger(g) || g < 1)) {
    throw new ComputationError(`plantedGroups: groupSizes must be positive integers, got [${groupSizes.join(', ')}]`);
  }
  if (dim < groupSizes.length) throw new ComputationError(`plantedGroups: dim (${dim}) must be at least the number of groups (${groupSizes.length})`);
  if (!(observed > 0 && observed <= 1)) throw new ComputationError(`plantedGroups: observed must be in (0, 1], got ${observed}`);
  const draws = createRng(seed);

  const x = new Float32Array(compounds * dim);
  for (let i = 0; i < x.length; i++) x[i] = draws.normal();
  const directions = orthonormalDirections(groupSizes.length, dim, () => draws.normal());

  const groups: string[][] = [];
  const groupOf = new Map<string, number>();
  const tasks: string[] = [];
  groupSizes.forEach((size, g) => {
    const members: string[] = [];
    for (let k = 0; k < size; k++) {
      const task = `g${g}t${k}`;
      members.push(task);
      groupOf.set(task, g);
      tasks.push(task);
    }
    groups.push(members);
  });

  const labels = new Int8Array(compounds * tasks.length).fill(-1);
  tasks.forEach((task, t) => {
    const u = directions[groupOf.get(task)!];
    for (let r = 0; r < compounds; r++) {
      const epsilon = draws.normal();
      if (draws.next() >= observed) continue;
      let score = 0;
      for (let d = 0; d < dim; d++) score += x[r * dim + d] * u[d];
      labels[r * tasks.length + t] = score + noise * epsilon > 0 ? 1 : 0;
    }
  });

  return {
    labels: { compoundIds: Array.from({ length: compounds }, (_, r) => `c${r}`), tasks, labels },
    features: { kind: 'dense', dim, values: x },
    groups,
    related: (source, target) => source !== target && groupOf.has(source) && groupOf.get(source) === groupOf.get(target),
  };
}

/** G orthonormal vectors in R^D: Gram–Schmidt on Gaussian draws. */
function orthonormalDirections(count: number, dim: number, normal: () => number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < count) {
    const v = Float64Array.from({ length: dim }, normal);
    for (const u of out) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[d] * u[d];
      for (let d = 0; d < dim; d++) v[d] -= dot * u[d];
    }
    const norm = Math.hypot(...v);
    // A draw (almost) inside the span of the previous ones is redrawn.
    if (norm < 1e-6) continue;
    for (let d = 0; d < dim; d++) v[d] /= norm;
    out.push(v);
  }
  return out;
}
