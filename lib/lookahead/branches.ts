// The snapshot-branch approximation of the multi-task learning curve (docs/methods.md, "Snapshot branches"):
// one base training of the target on its first n₀ rows, then short branches from its snapshot that add Δ rows
// of one source, of the target itself, or of nothing, with common random numbers; each branch is read as the
// target's inner-validation AUROC.
import type { Scalar } from '@tensorflow/tfjs';
import type { ModelConfig } from '../config.ts';
import { ComputationError } from '../errors.ts';
import { auroc } from '../metrics/index.ts';
import { loadBackend, type LoadedBackend } from '../model/backend.ts';
import { createNetwork } from '../model/create.ts';
import { TaskData } from '../model/data.ts';
import type { MultiTaskNetwork } from '../model/network.ts';
import { labelledColumn, predictRows } from '../model/point.ts';
import type { Tf } from '../model/backend.ts';
import { createRng, type Rng } from '../stats/rng.ts';
import type { FeatureMatrix, LabelMatrix } from '../types.ts';

export interface BranchInput {
  features: FeatureMatrix;
  labels: LabelMatrix;
  target: string;
  /** Source tasks (placebo copies included) whose Δ rows a branch adds, each with its own branch. */
  sources: string[];
  /** The target's first n₀ training rows (its nested order): what the base model and every branch train on. */
  baseRows: Int32Array;
  /** The target's next Δ rows in its nested order: the self branch. */
  selfRows: Int32Array;
  /** Per source, its first Δ training rows (their source-task labels are what the branch adds). */
  sourceRows: Record<string, Int32Array>;
  /** Inner validation rows (never the test fold, never trained): the target's AUROC is read on them. */
  validationRows: Int32Array;
  model: ModelConfig;
  seed: number;
  /** Step budget of the base training (early-stopped like every point; the snapshot is at its best check). */
  baseSteps: number;
  /** Steps of every branch. */
  branchSteps: number;
  /** Δ: rows each branch adds (self and every source give exactly Δ rows, or their branch is skipped). */
  delta: number;
  backend?: LoadedBackend;
}

export interface BranchOutput {
  /** Target's validation AUROC after each branch (null when the validation rows have one class). */
  control: number | null;
  self: number | null;
  sources: Record<string, number | null>;
  /** Validation AUROC of the snapshot itself. */
  base: number | null;
  /** Optimisation steps taken: the base's (it stops early) and every branch's. */
  steps: number;
  /** Wall seconds of the whole job (base, branches, readings). */
  seconds: number;
  backend: string;
  device: string;
}

/**
 * Runs the base training and every branch (our definition, docs/methods.md):
 *
 *   base:    Adam steps on minibatches of the target's n₀ rows, early-stopped on its validation AUROC as every point
 *            is (at most `baseSteps`); snapshot θ₀ (weights and Adam state) at its best check (trainBase)
 *   branch x ∈ {control, self, source j}: from θ₀, `branchSteps` steps; step t trains on
 *              T_t ∪ E_t^x,   T_t = the same b target rows in every branch (one shared stream)
 *                             E_t^x = m rows of the branch's Δ added rows, at the same positions in every branch
 *            with loss Σ(admitted pair losses) / (b + m) and the same dropout masks; the control's E_t admits no
 *            label (its rows pass through the network, so every branch draws the same dropout stream).
 *   P_x = target's validation AUROC, the mean over the checks of branch x's second half (every evalEvery steps
 *         and at its end).
 *
 * b = min(batchSize, n₀) and m = max(1, round(b·Δ/n₀)): the added rows enter each step in the share they would have
 * in a training on the union, so a branch trains as the pairwise point (n₀, Δ) would, one step at a time. The
 * branches differ only by which labels the E rows carry, so P_x − P_control is the value of the added data with
 * the base run's randomness held fixed.
 */
export async function runBranches(input: BranchInput): Promise<BranchOutput> {
  const started = performance.now();
  const { target, sources, baseRows, selfRows, validationRows } = input;
  if (baseRows.length === 0) throw new ComputationError(`snapshot branches of '${target}': the base training has no rows`);
  if (sources.includes(target)) throw new ComputationError(`snapshot branches of '${target}': the target cannot be its own source`);
  const loaded = input.backend ?? (await loadBackend());
  const tf = loaded.tf;
  const tasks = [target, ...sources];
  const trainRows: Record<string, Int32Array> = { [target]: Int32Array.from([...baseRows, ...selfRows]) };
  for (const s of sources) trainRows[s] = input.sourceRows[s] ?? new Int32Array(0);
  const data = new TaskData(tf, input.features, input.labels, tasks, trainRows, { sparseInput: loaded.backend !== 'tensorflow' });
  const rng = createRng(input.seed);
  const model = createNetwork(loaded, data, input.model, rng.int());
  const K = tasks.length;
  const b = Math.max(1, Math.min(input.model.batchSize, baseRows.length));
  const readTarget = (): number | null => {
    const p = predictRows(model, data, validationRows);
    const { y, p: scores } = labelledColumn(data, validationRows, p, 0);
    return auroc(y, scores);
  };
  try {
    const { base, snapshot, steps: baseSteps } = trainBase(model, data, baseRows, b, createRng(rng.int()), input, readTarget);
    let branches = 0;
    // Every branch replays the same seeds: target batches, added-row positions and dropout.
    const branchSeed = rng.int();
    const m = Math.max(1, Math.round((b * input.delta) / baseRows.length));
    const branch = (added: Int32Array, column: number): number | null => {
      model.restore(snapshot);
      branches++;
      // The reading: mean validation AUROC over the checks of the branch's second half (every evalEvery steps and
      // at its end), which averages out the step-to-step jitter of one reading.
      const readings: number[] = [];
      const readAt = (step: number) => {
        if (step !== input.branchSteps && (step < input.branchSteps / 2 || step % input.model.evalEvery !== 0)) return;
        const r = readTarget();
        if (r !== null) readings.push(r);
      };
      trainBranch(tf, model, data, { targetRows: baseRows, added, column, b, m, steps: input.branchSteps, seed: branchSeed, K, onStep: readAt });
      return readings.length ? readings.reduce((a, v) => a + v, 0) / readings.length : null;
    };
    const hasDelta = (rows: Int32Array | undefined): rows is Int32Array => rows !== undefined && rows.length === input.delta;
    try {
      // The control adds the self rows with none of their labels admitted: they only keep the batches' shape.
      const control = branch(hasDelta(selfRows) ? selfRows : Int32Array.from({ length: input.delta }, (_, i) => baseRows[i % baseRows.length]), -1);
      const self = hasDelta(selfRows) ? branch(selfRows, 0) : null;
      const bySource: Record<string, number | null> = {};
      sources.forEach((s, idx) => {
        const rows = input.sourceRows[s];
        bySource[s] = hasDelta(rows) ? branch(rows, idx + 1) : null;
      });
      return {
        control,
        self,
        sources: bySource,
        base,
        steps: baseSteps + branches * input.branchSteps,
        seconds: (performance.now() - started) / 1000,
        backend: loaded.backend,
        device: loaded.device,
      };
    } finally {
      model.disposeSnapshot(snapshot);
    }
  } finally {
    model.dispose();
    data.dispose();
  }
}

/**
 * The base: the target alone on its n₀ rows by the training protocol of every point (docs/methods.md, "Training
 * protocol"): minibatch Adam steps up to `baseSteps`, its validation AUROC checked every `evalEvery` steps, a stop
 * after `patience` checks without an improvement above `minImprovement`; the snapshot is taken at the best check,
 * so the branches start from the point (n₀, 0) as the curves would have read it, not from an overtrained model.
 */
function trainBase(
  model: MultiTaskNetwork,
  data: TaskData,
  baseRows: Int32Array,
  b: number,
  order: Rng,
  input: Pick<BranchInput, 'baseSteps' | 'model'>,
  readTarget: () => number | null,
): { base: number | null; snapshot: ReturnType<MultiTaskNetwork['snapshot']>; steps: number } {
  const { evalEvery, patience, minImprovement } = input.model;
  const batches = batchStream(baseRows, b, order);
  // Only the target's labels: a base row may also be one of a source's Δ rows, whose label is the branch's to add.
  const K = data.tasks.length;
  const targetOnly = new Float32Array(b * K);
  for (let i = 0; i < b; i++) targetOnly[i * K] = 1;
  let best: number | null = null;
  let snapshot: ReturnType<MultiTaskNetwork['snapshot']> | undefined;
  let sinceBest = 0;
  let steps = 0;
  for (let step = 1; step <= input.baseSteps; step++) {
    steps = step;
    const batch = data.batch(batches(), targetOnly);
    model.trainStep(batch);
    batch.dispose();
    if (step % evalEvery !== 0 && step !== input.baseSteps) continue;
    const score = readTarget();
    if (snapshot === undefined || (score !== null && (best === null || score > best + minImprovement))) {
      if (snapshot) model.disposeSnapshot(snapshot);
      snapshot = model.snapshot();
      best = score;
      sinceBest = 0;
    } else if (++sinceBest >= patience) {
      break;
    }
  }
  return { base: best, snapshot: snapshot ?? model.snapshot(), steps };
}

/** Endless minibatches of `size` rows over seeded reshuffles of `rows`. */
function batchStream(rows: Int32Array, size: number, rng: Rng): () => Int32Array {
  const order = Int32Array.from(rows);
  let at = order.length;
  return () => {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      if (at >= order.length) {
        rng.shuffle(order);
        at = 0;
      }
      out[i] = order[at++];
    }
    return out;
  };
}

interface BranchSteps {
  targetRows: Int32Array;
  /** The branch's Δ added rows (for the control: rows whose labels are not admitted). */
  added: Int32Array;
  /** Head whose label the added rows carry (0 = the target itself); −1 = none (the control). */
  column: number;
  b: number;
  m: number;
  steps: number;
  seed: number;
  K: number;
  /** Called after each step with its 1-based index. */
  onStep(step: number): void;
}

/** Takes one branch's steps on the model (already at the snapshot). */
function trainBranch(tf: Tf, model: MultiTaskNetwork, data: TaskData, s: BranchSteps): void {
  const streams = createRng(s.seed);
  const targetBatches = batchStream(s.targetRows, s.b, createRng(streams.int()));
  // Positions into the added rows, not rows: every branch draws the same positions of its own Δ rows.
  const positionRng = createRng(streams.int());
  const positions = batchStream(Int32Array.from({ length: s.added.length }, (_, i) => i), s.m, positionRng);
  model.reseedDropout(streams.int());
  const { K, b, m } = s;
  const rows = new Int32Array(b + m);
  const mask = new Float32Array((b + m) * K);
  for (let step = 0; step < s.steps; step++) {
    rows.set(targetBatches());
    const at = positions();
    for (let i = 0; i < m; i++) rows[b + i] = s.added[at[i]];
    mask.fill(0);
    for (let i = 0; i < b; i++) mask[i * K] = 1;
    if (s.column >= 0) for (let i = 0; i < m; i++) mask[(b + i) * K + s.column] = 1;
    const batch = data.batch(rows, mask);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.div(tf.sum(model.maskedPairLoss(batch, { training: true })), b + m) as Scalar, model.variables);
      model.optimizer.applyGradients(grads);
    });
    batch.dispose();
    s.onStep(step + 1);
  }
}
