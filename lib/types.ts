// Shared data shapes passed between the pipeline steps (and stored in the run's folder in S3).

/** Binary labels of the selected tasks: compounds × tasks, row-major; -1 = not measured, 0/1 = label. */
export interface LabelMatrix {
  compoundIds: string[];
  tasks: string[];
  labels: Int8Array;
}

/** Why a candidate task was left out of the study. */
export interface ExcludedTask {
  task: string;
  reason: string;
}

/** Per-task counts of the selected tasks, for the report. */
export interface TaskSummary {
  task: string;
  labelled: number;
  positives: number;
  negatives: number;
}

/** Compound features: sparse fingerprints (CSR: bits of compound r are indices[offsets[r]..offsets[r+1]]) or dense vectors. */
export type FeatureMatrix =
  | { kind: 'sparse'; dim: number; offsets: Int32Array; indices: Int32Array }
  | { kind: 'dense'; dim: number; values: Float32Array };

export type SplitKind = 'random' | 'scaffold';

/**
 * Compound-level fold assignment: fold[r] in 0..folds-1; fold f's compounds are its test set. Compounds of one
 * group (identical inputs, and for the scaffold split one scaffold) share a fold, and for test fold f an inner
 * validation set of whole groups is drawn from the other folds (lib/splits/heldOut.ts).
 */
export interface FoldAssignment {
  kind: SplitKind;
  folds: number;
  seed: number;
  fold: Int16Array;
  /** Group index of every compound. */
  group: Int32Array;
  /** Compounds that share their group with another compound because their inputs are identical. */
  duplicatesGrouped: number;
  /** Fraction of the non-test compounds of a fold held out as its inner validation set. */
  validationFraction: number;
}

export type DesignName = 'single' | 'all' | 'contextual' | 'pairwise' | 'random' | 'lookahead';

/** One training run: which tasks at which training sizes, on which fold and seed. */
export interface PointSpec {
  /** Stable id derived from every field below (see lib/design). */
  id: string;
  split: SplitKind;
  fold: number;
  seed: number;
  /** Training compounds per task (tasks absent or 0 are not trained). */
  sizes: Record<string, number>;
  /**
   * tag: TAG probes recorded during this run (the all-task run at full size). lookahead: this job is the
   * snapshot branches of its focus task (sizes: the target at n₀ + Δ, each source at Δ), not a curve point.
   */
  probes?: { tag?: { every: number; heldOut?: boolean }; lookahead?: LookaheadSpec };
  /** Every design role this one training serves (lib/design trains identical specifications once). */
  uses: PointUse[];
}

/** The snapshot branches of one target (docs/methods.md, "Snapshot branches"). */
export interface LookaheadSpec {
  n0: number;
  delta: number;
  baseSteps: number;
  branchSteps: number;
}

/** One role of a point in a design: e.g. the (n_i, n_j) cell of the pairwise grid of source j → target i. */
export interface PointUse {
  design: DesignName;
  /** contextual: the focus task; pairwise: the target task. */
  focus?: string;
  /** pairwise: the source task. */
  source?: string;
  /** contextual: fraction of the other tasks' data. */
  fraction?: number;
  /** random design: index of the run (its drawn sizes are shared by every seed). */
  run?: number;
  /** contextual: the context is the placebo copies of the other tasks (the control of s_i). */
  placebo?: true;
}

/** Held-out metrics of one task; AUROC/AUPRC are null when the test set has one class only. */
export interface TaskMetrics {
  auroc: number | null;
  auprc: number | null;
  logloss: number | null;
  nTrain: number;
  nTest: number;
  nTestPositive: number;
}

/** What a trainer writes to points/<id>.json. */
export interface PointResult {
  id: string;
  spec: PointSpec;
  metrics: Record<string, TaskMetrics>;
  seconds: number;
  backend: string;
  device: string;
  /** Optimisation steps taken, and whether patience ended the run before the step budget. */
  steps: number;
  stoppedEarly: boolean;
  /** Per task, the step its metrics were read at (its best inner-validation AUROC). */
  bestSteps: Record<string, number>;
  finishedAt: string;
  /** TAG affinities Z[source][target], when probed: over the whole run, by phase, and on held-out batches. */
  tag?: TagRecord;
  /** The snapshot branches' readings, when this job was one (the target's inner-validation AUROC per branch). */
  lookahead?: LookaheadRecord;
}

export type Affinities = Record<string, Record<string, number>>;

export interface TagRecord {
  /** Mean Z over every probe of the run (Fifty et al.'s affinity). */
  z: Affinities;
  /** Mean Z over the probes of each phase: epochs from..to (0-based, both included). */
  phases?: { from: number; to: number; z: Affinities }[];
  /** The same with L_j measured on a batch of inner-validation rows the step did not train on. */
  heldOut?: { z: Affinities; phases: { from: number; to: number; z: Affinities }[] };
  /** Compute seconds spent in the probes (the training itself excluded). */
  seconds: number;
}

export interface LookaheadRecord {
  target: string;
  /** The target's validation AUROC at the snapshot, and after each branch (null: one class in validation). */
  base: number | null;
  control: number | null;
  self: number | null;
  sources: Record<string, number | null>;
}
