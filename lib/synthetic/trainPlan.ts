// Trains a plan on an in-memory data set with the real point trainer: the harness of the power tests.
// (The pipeline's trainer reads prepared data from the bucket; this harness holds a synthetic set in memory.)
import type { ModelConfig } from '../config.ts';
import type { AvailableCount } from '../design/enumerate.ts';
import { probedPointOptions, probeResultFields, trainProbedPoint } from '../lookahead/run.ts';
import { trainPoint, type LoadedBackend, type PointInput } from '../model/index.ts';
import { createRng } from '../stats/rng.ts';
import type { FeatureMatrix, LabelMatrix, PointResult, PointSpec } from '../types.ts';

/** A random compound split of an in-memory data set and the nested training orders of its tasks. */
export interface InMemorySplit {
  folds: number;
  /** fold[r] of every compound row. */
  fold: Int16Array;
  /** Test rows of fold f. */
  testRows(fold: number): Int32Array;
  /** Training order of a task in a fold for a seed: its labelled non-test rows, shuffled; the first n train size n. */
  order(task: string, fold: number, seed: number): Int32Array;
  /** Training compounds each task has per fold (for enumeratePoints). */
  available(folds: number[]): AvailableCount[];
}

/** Random compound folds (seeded permutation, row k of it in fold k mod F) and seeded nested training orders. */
export function randomSplit(labels: LabelMatrix, folds: number, seed: number): InMemorySplit {
  const rows = labels.compoundIds.length;
  const K = labels.tasks.length;
  const permutation = createRng(seed).shuffle(Array.from({ length: rows }, (_, r) => r));
  const fold = new Int16Array(rows);
  permutation.forEach((r, k) => (fold[r] = k % folds));
  const labelled = (t: number, f: number) => {
    const out: number[] = [];
    for (let r = 0; r < rows; r++) if (fold[r] !== f && labels.labels[r * K + t] >= 0) out.push(r);
    return out;
  };
  const cache = new Map<string, Int32Array>();
  return {
    folds,
    fold,
    testRows: (f) => Int32Array.from({ length: rows }, (_, r) => r).filter((r) => fold[r] === f),
    order(task, f, s) {
      const key = `${task}\u0000${f}\u0000${s}`;
      let order = cache.get(key);
      if (!order) {
        const t = labels.tasks.indexOf(task);
        // The order depends on (seed, task, fold) only, so the n = 32 set of a seed contains its n = 16 set.
        order = Int32Array.from(createRng(hashParts(seed, s, t, f)).shuffle(labelled(t, f)));
        cache.set(key, order);
      }
      return order;
    },
    available: (fs) => fs.flatMap((f) => labels.tasks.map((task, t) => ({ split: 'random' as const, fold: f, task, nTrain: labelled(t, f).length }))),
  };
}

function hashParts(...parts: number[]): number {
  let h = 2166136261;
  for (const p of parts) h = Math.imul(h ^ (p + 0x9e3779b9), 16777619) >>> 0;
  return h;
}

export interface TrainPlanInput {
  labels: LabelMatrix;
  features: FeatureMatrix;
  split: InMemorySplit;
  points: PointSpec[];
  model: ModelConfig;
  backend?: LoadedBackend;
}

/**
 * Trains every point (sequentially) and returns its PointResult, as the pipeline's trainer would write it.
 * A point with `probes` runs the TAG / lookahead drivers (lib/lookahead trainProbedPoint) and carries their scores.
 */
export async function trainPlan(input: TrainPlanInput): Promise<PointResult[]> {
  const out: PointResult[] = [];
  for (const spec of input.points) {
    const tasks = Object.keys(spec.sizes).filter((t) => spec.sizes[t] > 0);
    const trainRows = Object.fromEntries(tasks.map((t) => [t, input.split.order(t, spec.fold, spec.seed).subarray(0, spec.sizes[t])]));
    const pointInput: PointInput = {
      features: input.features,
      labels: input.labels,
      tasks,
      trainRows,
      testRows: input.split.testRows(spec.fold),
      model: input.model,
      seed: hashParts(spec.seed, spec.fold, 7),
      backend: input.backend,
    };
    if (spec.probes) {
      const probed = await trainProbedPoint(pointInput, probedPointOptions(spec.probes));
      out.push({ id: spec.id, spec, ...probed.point, finishedAt: new Date().toISOString(), ...probeResultFields(probed) });
    } else {
      out.push({ id: spec.id, spec, ...(await trainPoint(pointInput)), finishedAt: new Date().toISOString() });
    }
  }
  return out;
}
