// Stable identities of trainings: the same training specification always gets the same id, so a rerun
// recognises points already computed and two designs asking for the same training share one point.
import { createHash } from 'node:crypto';
import type { RunConfig } from '../config.ts';
import type { PointSpec, SplitKind } from '../types.ts';

/** JSON with object keys sorted at every level and `undefined` members left out: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What a training is, independent of which designs asked for it. */
export interface TrainingSpec {
  split: SplitKind;
  fold: number;
  seed: number;
  /** Positive sizes only; a task at 0 is not trained. */
  sizes: Record<string, number>;
  probes?: PointSpec['probes'];
}

/**
 * The parts of a run configuration that change what a training computes: the data (file, threshold,
 * task selection), the features, the fold assignment and the model. Paths where data is read from,
 * the study designs and the execution settings do not change a training and are left out.
 */
export function trainingContext(config: RunConfig): unknown {
  const { name, labels, features, threshold, tie, invalidSmiles } = config.dataset;
  return {
    dataset: { name, labels, features, threshold, tie, invalidSmiles },
    tasks: config.tasks,
    features: config.features,
    split: { folds: config.split.folds, seed: config.split.seed, validationFraction: config.split.validationFraction },
    model: config.model,
  };
}

/** Sizes with zero entries removed and keys in sorted order. */
export function normaliseSizes(sizes: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of Object.keys(sizes).sort()) if (sizes[task] > 0) out[task] = sizes[task];
  return out;
}

/** Key that two identical trainings share (probes excluded: a probed run also serves as the plain run). */
export function trainingKey(t: Pick<TrainingSpec, 'split' | 'fold' | 'seed' | 'sizes'>): string {
  return canonicalJson({ split: t.split, fold: t.fold, seed: t.seed, sizes: normaliseSizes(t.sizes) });
}

/**
 * Point id = readable prefix + 16 hex digits of sha256(canonical JSON of the training specification
 * and its training context). Prefix: `<split>-f<fold>-s<seed>-k<number of trained tasks>`.
 */
export function pointId(training: TrainingSpec, config: RunConfig): string {
  const sizes = normaliseSizes(training.sizes);
  const body = canonicalJson({
    // v2: one generator for the whole project (lib/stats/rng.ts). v3: the training protocol of docs/methods.md
    // (step budget, inner validation set, per-task early stopping on validation AUROC), folds that group
    // identical inputs, and the model seed derived from (split, fold, seed). v4: mtlc's layer kernels and dropout
    // masks of two values to a 32-bit word (docs/methods.md, "Batched training"): the same protocol, other bits. A
    // run resumed across a change of version recomputes its points instead of mixing trainings made under two.
    v: 4,
    context: trainingContext(config),
    split: training.split,
    fold: training.fold,
    seed: training.seed,
    sizes,
    probes: training.probes,
  });
  const hex = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `${training.split}-f${training.fold}-s${training.seed}-k${Object.keys(sizes).length}-${hex}`;
}

/** A deterministic uniform number in [0, 1) from the given parts (sha256; stable across platforms and task sets). */
export function hashUniform(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  // 48 bits are exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
