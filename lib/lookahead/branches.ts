// The snapshot-branch approximation of the multi-task learning curve (docs/methods.md, "Snapshot branches"):
// one base training of the target on its first n₀ rows, then short branches from its snapshot that add Δ rows
// of one source, of the target itself, or of nothing, with common random numbers; each branch is read as the
// target's inner-validation AUROC.
import type { Tensor } from '@tensorflow/tfjs';
import type { ModelConfig } from '../config.ts';
import { ComputationError } from '../errors.ts';
import { auroc } from '../metrics/index.ts';
import { loadBackend, type LoadedBackend } from '../model/backend.ts';
import { createNetwork } from '../model/create.ts';
import { TaskData } from '../model/data.ts';
import { pointsAtOnce, predictSlotRows, ProgramFeatures } from '../model/batched.ts';
import { dropoutMasks, hasMtlcKernels } from '../model/kernels/mtlc-kernels.ts';
import type { ModelSnapshot, MultiTaskNetwork } from '../model/network.ts';
import { labelledColumn, predictRows } from '../model/point.ts';
import { StackedNetwork } from '../model/stacked.ts';
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
  /** Branches trained at once as one stacked program; default: as many as `pointsAtOnce` allows. */
  slots?: number;
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
 * b and m (branchBatch): the added rows enter each step in the share they would have in a training on the union,
 * so a branch trains as the pairwise point (n₀, Δ) would, one step at a time. The
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
  const baseBatch = Math.max(1, Math.min(input.model.batchSize, baseRows.length));
  const readTarget = (): number | null => {
    const p = predictRows(model, data, validationRows);
    const { y, p: scores } = labelledColumn(data, validationRows, p, 0);
    return auroc(y, scores);
  };
  try {
    const { base, snapshot, steps: baseSteps } = trainBase(model, data, baseRows, baseBatch, createRng(rng.int()), input, readTarget);
    // Every branch replays the same seeds: target batches, added-row positions and dropout.
    const branchSeed = rng.int();
    const { b, m } = branchBatch(input.model.batchSize, baseRows.length, input.delta);
    const hasDelta = (rows: Int32Array | undefined): rows is Int32Array => rows !== undefined && rows.length === input.delta;
    // The control adds the self rows with none of their labels admitted: they only keep the batches' shape.
    const branches: BranchRows[] = [{ added: hasDelta(selfRows) ? selfRows : Int32Array.from({ length: input.delta }, (_, i) => baseRows[i % baseRows.length]), column: -1 }];
    if (hasDelta(selfRows)) branches.push({ added: selfRows, column: 0 });
    const sourceBranch = new Map<string, number>();
    sources.forEach((src, idx) => {
      const rows = input.sourceRows[src];
      if (!hasDelta(rows)) return;
      sourceBranch.set(src, branches.length);
      branches.push({ added: rows, column: idx + 1 });
    });
    try {
      const readings = trainBranches(loaded, model, snapshot, data, input, branches, { targetRows: baseRows, b, m, seed: branchSeed });
      const control = readings[0];
      const self = hasDelta(selfRows) ? readings[1] : null;
      const bySource: Record<string, number | null> = {};
      for (const src of sources) bySource[src] = sourceBranch.has(src) ? readings[sourceBranch.get(src)!] : null;
      return {
        control,
        self,
        sources: bySource,
        base,
        steps: baseSteps + branches.length * input.branchSteps,
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
 * The rows of a branch step: b of the target's n₀ and m of the Δ added, in the share they have in the union
 * (m/b = Δ/n₀). b = min(batch, n₀) while b + m fits in a batch; past that (Δ well above n₀) the step is one batch
 * of the union, b = round(batch·n₀/(n₀ + Δ)) ≥ 1 and m = batch − b, as the pairwise point (n₀, Δ) trains.
 */
export function branchBatch(batchSize: number, n0: number, delta: number): { b: number; m: number } {
  const b = Math.max(1, Math.min(batchSize, n0));
  const m = Math.max(1, Math.round((b * delta) / n0));
  if (b + m <= batchSize) return { b, m };
  // At least one row of each: with a batch of 1 the step is 2 rows, the nearest a step with both can come.
  const capped = Math.max(1, Math.min(batchSize - 1, Math.round((batchSize * n0) / (n0 + delta))));
  return { b: capped, m: Math.max(1, batchSize - capped) };
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

/** One branch: the Δ rows it adds and the head whose labels they carry (0 = the target; −1 = none: the control). */
interface BranchRows {
  added: Int32Array;
  column: number;
}

/** The step stream all branches share: b target rows and m positions into each branch's added rows per step. */
interface SharedStream {
  targetRows: Int32Array;
  b: number;
  m: number;
  seed: number;
}

/**
 * Takes every branch's steps from the snapshot and returns each branch's reading, branches side by side as the slots
 * of one stacked program (lib/model/stacked.ts; as many at a time as `pointsAtOnce` allows): each slot starts from
 * the snapshot's weights, Adam moments and step count, and they share the target batches, the positions within their
 * added rows and the dropout stream, so a slot computes exactly what the branch trained alone would.
 */
function trainBranches(
  loaded: LoadedBackend,
  model: MultiTaskNetwork,
  snapshot: ModelSnapshot,
  data: TaskData,
  input: BranchInput,
  branches: BranchRows[],
  stream: SharedStream,
): (number | null)[] {
  const tf = loaded.tf;
  const K = data.tasks.length;
  const D = input.features.dim;
  const { b, m } = stream;
  const group = input.slots ?? pointsAtOnce(D, input.model.hidden, K, loaded.device);
  const sparseInput = input.features.kind === 'sparse' && hasMtlcKernels(tf);
  const state = slotState(model, snapshot);
  const readings: (number | null)[] = [];
  for (let first = 0; first < branches.length; first += group) {
    const members = branches.slice(first, first + group);
    const P = members.length;
    const net = new StackedNetwork(tf, { slots: P, inputDim: D, hidden: input.model.hidden, heads: K, learningRate: input.model.learningRate, sparseInput });
    const features = new ProgramFeatures(tf, input.features, sparseInput);
    try {
      for (let s = 0; s < P; s++) {
        net.loadSlot(s, state);
        features.resetSlot(s);
        // The base met its rows' bits: their moments are not zero, so the first layer's Adam keeps visiting them.
        features.meetRows(s, stream.targetRows);
      }
      const streams = createRng(stream.seed);
      const targetBatches = batchStream(stream.targetRows, b, createRng(streams.int()));
      // Positions into the added rows, not rows: every branch draws the same positions of its own Δ rows.
      const positions = batchStream(Int32Array.from({ length: members[0].added.length }, (_, i) => i), m, createRng(streams.int()));
      const dropoutSeed = streams.int();
      const dropoutRngs = members.map(() => createRng(dropoutSeed));
      const sums = new Array<number>(P).fill(0);
      const counts = new Array<number>(P).fill(0);
      const y = new Float32Array(P * (b + m) * K);
      const mask = new Float32Array(P * (b + m) * K);
      for (let step = 1; step <= input.branchSteps; step++) {
        const targetRows = targetBatches();
        const at = positions();
        const rows = members.map((branch) => {
          const r = new Int32Array(b + m);
          r.set(targetRows);
          for (let i = 0; i < m; i++) r[b + i] = branch.added[at[i]];
          return r;
        });
        y.fill(0);
        mask.fill(0);
        members.forEach((branch, s) => {
          rows[s].forEach((r, i) => {
            const at = (s * (b + m) + i) * K;
            y.set(data.hostY.subarray(r * K, r * K + K), at);
            // Target rows admit the target's label; added rows the branch's column (none for the control).
            const column = i < b ? 0 : branch.column;
            if (column >= 0) mask[at + column] = data.hostObserved[r * K + column];
          });
        });
        const batch = features.batch(rows, P, D, true);
        const targets = {
          y: tf.tensor3d(y, [P, b + m, K]),
          mask: tf.tensor3d(mask, [P, b + m, K]),
          dropout: input.model.dropout > 0 ? input.model.hidden.map((width) => dropoutMasks(tf, dropoutRngs, rows.map((r) => r.length), b + m, width, input.model.dropout)) : [],
          // The branch's loss: summed over its admitted pairs, divided by the rows of the step (b + m).
          denominators: tf.tensor1d(new Array<number>(P).fill(b + m)),
        };
        net.trainStep(batch.input, targets, new Array<boolean>(P).fill(true));
        batch.dispose();
        tf.dispose([targets.y, targets.mask, targets.denominators, ...targets.dropout]);
        // The reading: mean validation AUROC over the checks of the branch's second half (every evalEvery steps and
        // at its end), which averages out the step-to-step jitter of one reading.
        if (step !== input.branchSteps && (step < input.branchSteps / 2 || step % input.model.evalEvery !== 0)) continue;
        readTargets(net, features, data, input.validationRows).forEach((r, s) => {
          if (r === null) return;
          sums[s] += r;
          counts[s]++;
        });
      }
      for (let s = 0; s < P; s++) readings.push(counts[s] ? sums[s] / counts[s] : null);
    } finally {
      net.dispose();
      features.dispose();
    }
  }
  return readings;
}

/** The snapshot as the state of a stacked slot: weights and Adam moments in the stacked order (kernels, then biases). */
function slotState(model: MultiTaskNetwork, snapshot: ModelSnapshot): Parameters<StackedNetwork['loadSlot']>[1] {
  // The single network's variables come in layer pairs (kernel, bias), the head last; the stacked order is every
  // kernel, then every bias.
  const names = model.variables.map((v) => v.name);
  const order = [...names.filter((_, i) => i % 2 === 0), ...names.filter((_, i) => i % 2 === 1)];
  const host = (t: Tensor | undefined, size: number) => (t ? (t.dataSync() as Float32Array).slice() : new Float32Array(size));
  return {
    // restore() holds a snapshot to every variable; only a variable no step has updated lacks moments (zero).
    weights: order.map((name) => host(snapshot.variables.get(name)!, 0)),
    moments: order.map((name) => {
      const size = snapshot.variables.get(name)!.size;
      const moment = snapshot.optimizer.moments.get(name);
      return { m: host(moment?.m, size), v: host(moment?.v, size) };
    }),
    step: snapshot.optimizer.step,
  };
}

/** Each slot's target AUROC on the validation rows (every slot reads the same rows), dropout off. */
function readTargets(net: StackedNetwork, features: ProgramFeatures, data: TaskData, rows: Int32Array): (number | null)[] {
  return predictSlotRows(net, features, new Array<Int32Array>(net.slots).fill(rows)).map((probabilities) => {
    const { y, p } = labelledColumn(data, rows, probabilities, 0);
    return auroc(y, p);
  });
}
