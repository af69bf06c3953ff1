// The batched trainer: many points of one shape trained as one program (a StackedNetwork of P slots). Each
// point follows the training protocol exactly as `trainPoint` runs it alone — same initial weights, batch
// orders, dropout masks, Adam steps, checks and stopping (docs/methods.md, "Batched training") — and a slot whose
// point has finished takes the next point of the queue, so the P slots stay busy while points stop at
// different steps.
import type { ModelConfig } from '../config.ts';
import { ComputationError } from '../errors.ts';
import { createRng, shuffleInPlace, type Rng } from '../stats/rng.ts';
import type { FeatureMatrix } from '../types.ts';
import { loadBackend, type LoadedBackend } from './backend.ts';
import { densify, hostLabels } from './data.ts';
import { networkInit, type NetworkInit } from './init.ts';
import { checkHeldOut, TaskCheckpoints, unionRows, type CheckReading, type LabelView, type PointInput, type PointOutput } from './point.ts';
import { sparseBatchIndexes } from './sparse.ts';
import { dropoutMasks, hasMtlcKernels, type SparseBackward } from './kernels/mtlc-kernels.ts';
import { StackedNetwork, type StackedBatch, type StackedTargets } from './stacked.ts';
import type * as tfType from '@tensorflow/tfjs';

/** Rows per slot of one evaluation pass (as predictRows' chunks). */
const EVAL_CHUNK = 1024;

/** What must be equal for points to share one program: the network's shape and training hyper-parameters. */
export function programKey(input: Pick<PointInput, 'features' | 'tasks' | 'model'>): string {
  const { hidden, dropout, learningRate, batchSize } = input.model;
  return JSON.stringify([input.features.dim, input.tasks.length, hidden, dropout, learningRate, batchSize]);
}

/** One point in a slot: its data on the host and where its training stands (the state `fit` keeps for one point). */
class SlotPoint implements LabelView {
  readonly tasks: string[];
  readonly hostY: Float32Array;
  readonly hostObserved: Float32Array;
  readonly hostTrainMask: Float32Array;
  readonly trainRows: Int32Array;
  readonly order: Int32Array;
  readonly batchSize: number;
  readonly checkpoints: TaskCheckpoints;
  readonly orderRng: Rng;
  readonly dropoutRng: Rng;
  readonly init: NetworkInit;
  step = 0;
  /** Next position in `order`; at or past its end, the next step begins a new pass (reshuffled). */
  next = 0;
  sinceBest = 0;
  stoppedEarly = false;
  done = false;
  /** Compute seconds charged to the point: its share of every step and check it took part in. */
  seconds = 0;

  constructor(
    readonly index: number,
    readonly input: PointInput,
    heads: number,
    inputDim: number,
  ) {
    checkHeldOut(input);
    this.tasks = input.tasks;
    const host = hostLabels(input.labels, input.tasks, input.trainRows);
    this.hostY = host.y;
    this.hostObserved = host.observed;
    this.hostTrainMask = host.trainMask;
    this.trainRows = unionRows(input.tasks, input.trainRows);
    this.order = Int32Array.from(this.trainRows);
    this.next = this.order.length;
    this.batchSize = Math.max(1, Math.min(input.model.batchSize, this.order.length));
    this.checkpoints = new TaskCheckpoints(this, input.validationRows, input.testRows, input.model.minImprovement);
    // The seeds as trainPoint draws them: the network's, then the batch order's.
    const rng = createRng(input.seed);
    const init = networkInit(rng.int(), inputDim, input.model.hidden, heads);
    this.init = init;
    this.orderRng = createRng(rng.int());
    this.dropoutRng = createRng(init.dropoutSeed);
  }

  /** Whether the point trains at all (a point without training rows is only read once). */
  get trains(): boolean {
    return this.order.length > 0 && this.input.model.maxSteps > 0;
  }

  /** The rows of the point's next step (a new pass reshuffles the order first, as `fit` does). */
  takeBatch(): Int32Array {
    if (this.next >= this.order.length) {
      shuffleInPlace(this.order, this.orderRng);
      this.next = 0;
    }
    const rows = this.order.subarray(this.next, this.next + this.batchSize);
    this.next += this.batchSize;
    return rows;
  }

  /** After a step: whether a check is due now (every evalEvery steps, and at the last step). */
  checkDue(): boolean {
    if (!this.checkpoints.validates) return this.step >= this.input.model.maxSteps;
    return this.step % this.input.model.evalEvery === 0 || this.step >= this.input.model.maxSteps;
  }

  /** Takes a check's reading (`test`: its test probabilities, when it needs them); marks the point done when patience or the budget says so. */
  recordCheck(reading: CheckReading, test: () => Float32Array): void {
    const { maxSteps, evalEvery, patience } = this.input.model;
    const improved = this.checkpoints.record(this.step, reading, test);
    const periodic = this.checkpoints.validates && this.step % evalEvery === 0 && this.step > 0;
    if (periodic) {
      this.sinceBest = improved ? 0 : this.sinceBest + 1;
      if (this.sinceBest >= patience) {
        this.stoppedEarly = this.step < maxSteps;
        this.done = true;
      }
    }
    if (this.step >= maxSteps || !this.trains) this.done = true;
  }
}

export interface BatchedOptions {
  /** Slots of the program (points trained at once); default: `pointsAtOnce` of the shape. */
  slots?: number;
  backend?: LoadedBackend;
  /** Hears each point as it finishes (its index in `inputs`), before the next one starts. */
  onPoint?(index: number, output: PointOutput): void | Promise<void>;
}

/** A network's trainable parameters. */
export function parameterCount(inputDim: number, hidden: readonly number[], heads: number): number {
  let params = 0;
  let fanIn = inputDim;
  for (const width of [...hidden, heads]) {
    params += (fanIn + 1) * width;
    fanIn = width;
  }
  return params;
}

/** The batched program's weights and Adam moments (3 × 4 bytes a parameter) are kept within this much memory
 * (the step's temporaries and gradients about double it). */
const CPU_STATE_BYTES = 256 * 2 ** 20;
const GPU_STATE_BYTES = 2 * 2 ** 30;
/**
 * Points whose steps take fewer rows than a full batch do little arithmetic a step, and their first layer's Adam
 * pass over the optimizer state dominates: it is faster while the states of all the program's slots stay in
 * cache. Measured (2 processes, the default study's first test fold): its three-task points train at 2.90 ms a
 * step with such points in programs of this budget (one slot of the default network) against 3.06–3.43 ms at 16
 * slots, and the fold takes 87 s instead of 96–100 s; the same points in one process, 2.12 ms at 1 slot, 2.45 at
 * 4, 3.03 at 16.
 */
const CPU_CACHE_STATE_BYTES = 16 * 2 ** 20;
/** Past 8–16 slots the per-op overhead is paid off (measured: 2 processes, default network, 72 k samples/s at 8
 * slots, 76 k at 16). */
const MAX_SLOTS = 16;

/** Whether a point's steps take a full batch (its training rows are at least the batch size). */
export function fillsBatch(input: Pick<PointInput, 'tasks' | 'trainRows' | 'model'>): boolean {
  return unionRows(input.tasks, input.trainRows).length >= input.model.batchSize;
}

/**
 * The batched trainer's slots for a network shape on a device ('auto' of `execution.pointsAtOnce`; docs/methods.md,
 * "Batched training"). Measured on a 2-core EPYC (wasm, one process per core, steady state): with full batches the
 * default 2048→512→K network (1 M parameters) trains 45 k samples/s at 1 slot, 63 k at 4, 72 k at 8 and 76 k at
 * 16; a 256→64→3 network 2.7× faster per point at 8–16 slots than alone. Points with smaller steps (`fullBatch`
 * false) on a CPU get as many slots as keep the optimizer states in cache.
 */
export function pointsAtOnce(inputDim: number, hidden: readonly number[], heads: number, device = 'cpu', fullBatch = true): number {
  const stateBytes = parameterCount(inputDim, hidden, heads) * 12;
  const budget = !device.startsWith('cpu') ? GPU_STATE_BYTES : fullBatch ? CPU_STATE_BYTES : CPU_CACHE_STATE_BYTES;
  return Math.max(1, Math.min(MAX_SLOTS, Math.floor(budget / stateBytes)));
}

/**
 * Trains `inputs` (points without hooks, all of one program shape: see `programKey`) and returns their outputs
 * in input order. Identical seeds give the results `trainPoint` gives for each point alone.
 */
export async function trainPoints(inputs: readonly PointInput[], options: BatchedOptions = {}): Promise<PointOutput[]> {
  if (inputs.length === 0) return [];
  const first = inputs[0];
  const key = programKey(first);
  for (const input of inputs) {
    if (input.tasks.length === 0) throw new ComputationError('a point needs at least one task');
    if (input.hooks) throw new ComputationError('the batched trainer takes no hooks (TAG runs and snapshot-branch jobs train through their own loops)');
    if (programKey(input) !== key) throw new ComputationError(`points of one batched program must share the network shape: ${programKey(input)} ≠ ${key}`);
    if (input.features !== first.features) throw new ComputationError('points of one batched program must share one feature matrix');
  }
  const loaded = options.backend ?? first.backend ?? (await loadBackend());
  const tf = loaded.tf;
  const K = first.tasks.length;
  const inputDim = first.features.dim;
  const slots = Math.max(1, Math.min(inputs.length, options.slots ?? pointsAtOnce(inputDim, first.model.hidden, K, loaded.device, fillsBatch(first))));
  // Sparse input needs mtlc's gather/scatter kernels (wasm, cpu); tfjs-node multiplies dense rows.
  const sparseInput = first.features.kind === 'sparse' && hasMtlcKernels(tf);
  const features = new ProgramFeatures(tf, first.features, sparseInput);
  const net = new StackedNetwork(tf, { slots, inputDim, hidden: first.model.hidden, heads: K, learningRate: first.model.learningRate, sparseInput });
  const outputs: PointOutput[] = new Array(inputs.length);
  const bySlot: (SlotPoint | null)[] = new Array(slots).fill(null);
  let queued = 0;

  const finish = async (slot: number): Promise<void> => {
    const point = bySlot[slot]!;
    bySlot[slot] = null;
    const { metrics, bestSteps } = point.checkpoints.results(point.trainRows, point.step);
    const output: PointOutput = {
      metrics,
      seconds: point.seconds,
      backend: loaded.backend,
      device: loaded.device,
      steps: point.step,
      bestSteps,
      stoppedEarly: point.stoppedEarly,
    };
    outputs[point.index] = output;
    await options.onPoint?.(point.index, output);
  };

  /** Each slot in `due`: its probabilities on its rows (`rowsOf` its point). */
  const predictSlots = (due: number[], rowsOf: (point: SlotPoint) => Int32Array): Map<number, Float32Array> => {
    const probabilities = predictSlotRows(net, features, bySlot.map((point, s) => (due.includes(s) ? rowsOf(point!) : new Int32Array(0))));
    return new Map(due.map((s) => [s, probabilities[s]]));
  };

  /** A check of the slots in `due`: their validation rows, then the test rows of those whose check is some task's best. */
  const check = (due: number[]): void => {
    const started = performance.now();
    const validation = predictSlots(due, (point) => point.input.validationRows);
    const readings = new Map(due.map((s) => [s, bySlot[s]!.checkpoints.assess(validation.get(s)!)]));
    const test = predictSlots(
      due.filter((s) => bySlot[s]!.checkpoints.needsTest(readings.get(s)!)),
      (point) => point.input.testRows,
    );
    const share = (performance.now() - started) / 1000 / due.length;
    for (const s of due) {
      const point = bySlot[s]!;
      point.seconds += share;
      point.recordCheck(readings.get(s)!, () => test.get(s)!);
    }
  };

  try {
    for (;;) {
      // Fill empty slots; a point that cannot train is read once at step 0 and finishes at once.
      for (let s = 0; s < slots; s++) {
        while (!bySlot[s] && queued < inputs.length) {
          const started = performance.now();
          const point = new SlotPoint(queued, inputs[queued++], K, inputDim);
          bySlot[s] = point;
          net.initSlot(s, point.init);
          features.resetSlot(s);
          point.seconds += (performance.now() - started) / 1000;
          if (!point.trains) {
            check([s]);
            await finish(s);
          }
        }
      }
      const active = bySlot.map((p) => p !== null);
      if (!active.some(Boolean)) break;

      const started = performance.now();
      const rows = bySlot.map((p) => (p ? p.takeBatch() : new Int32Array(0)));
      const batch = features.batch(rows, slots, inputDim, true);
      const targets = stepTargets(tf, bySlot, rows, batch.input.rowsPerSlot, K, first.model);
      net.trainStep(batch.input, targets, active);
      batch.dispose();
      tf.dispose([targets.y, targets.mask, ...targets.dropout]);
      const share = (performance.now() - started) / 1000 / active.filter(Boolean).length;
      const due: number[] = [];
      bySlot.forEach((p, s) => {
        if (!p) return;
        p.step++;
        p.seconds += share;
        if (p.checkDue()) due.push(s);
      });
      if (due.length) check(due);
      for (let s = 0; s < slots; s++) if (bySlot[s]?.done) await finish(s);
    }
  } finally {
    net.dispose();
    features.dispose();
  }
  return outputs;
}

/**
 * Each slot's probabilities [rows × K] on its own rows (`rowsBySlot[s]`; empty for a slot not read), dropout off:
 * the slots side by side in passes of EVAL_CHUNK rows (a row's prediction does not depend on the rows beside it).
 */
export function predictSlotRows(net: StackedNetwork, features: ProgramFeatures, rowsBySlot: readonly Int32Array[]): Float32Array[] {
  const K = net.heads;
  const out = rowsBySlot.map((rows) => new Float32Array(rows.length * K));
  const longest = Math.max(0, ...rowsBySlot.map((rows) => rows.length));
  for (let start = 0; start < longest; start += EVAL_CHUNK) {
    const chunk = rowsBySlot.map((rows) => rows.subarray(start, start + EVAL_CHUNK));
    const batch = features.batch(chunk, net.slots, net.inputDim);
    const p = net.predict(batch.input);
    batch.dispose();
    out.forEach((target, s) => {
      for (let i = 0; i < chunk[s].length; i++) for (let k = 0; k < K; k++) target[(start + i) * K + k] = p[(s * batch.input.rowsPerSlot + i) * K + k];
    });
  }
  return out;
}

/** Labels, loss masks and dropout masks of one step, each slot's from its own point and dropout stream. */
function stepTargets(tf: typeof tfType, bySlot: (SlotPoint | null)[], rows: Int32Array[], B: number, K: number, model: ModelConfig): StackedTargets {
  const P = bySlot.length;
  const y = new Float32Array(P * B * K);
  const mask = new Float32Array(P * B * K);
  bySlot.forEach((point, s) => {
    if (!point) return;
    rows[s].forEach((r, i) => {
      const at = (s * B + i) * K;
      y.set(point.hostY.subarray(r * K, r * K + K), at);
      mask.set(point.hostTrainMask.subarray(r * K, r * K + K), at);
    });
  });
  // Inverted dropout, drawn as MultiTaskNetwork draws it: per trunk layer, each slot's real rows × width from its
  // own stream (padding rows and idle slots get zeros), all slots in one kernel call.
  const dropout = model.dropout > 0
    ? model.hidden.map((width) => dropoutMasks(tf, bySlot.map((point) => point?.dropoutRng ?? null), rows.map((r) => r.length), B, width, model.dropout))
    : [];
  return { y: tf.tensor3d(y, [P, B, K]), mask: tf.tensor3d(mask, [P, B, K]), dropout };
}

/** Whether each CSR row's indices are strictly ascending. */
function rowsAscend(offsets: Int32Array, indices: Int32Array): boolean {
  for (let r = 0; r + 1 < offsets.length; r++) for (let q = offsets[r] + 1; q < offsets[r + 1]; q++) if (indices[q] <= indices[q - 1]) return false;
  return true;
}

/** The program's input features: sparse index lists per step, or dense rows gathered on the backend (tfjs-node). */
export class ProgramFeatures {
  private readonly dense?: tfType.Tensor2D;
  /** Per slot, the input bits its point has met in training so far: a flag per bit, and the bits ascending. */
  private readonly metFlags: Uint8Array[] = [];
  private readonly metRows: Int32Array[] = [];
  /** Whether every row's bits ascend (the CSR of a fingerprint): the condition of the forward by bit. */
  private readonly rowsAscend: boolean;

  constructor(
    private readonly tf: typeof tfType,
    private readonly features: FeatureMatrix,
    sparseInput: boolean,
  ) {
    this.rowsAscend = features.kind === 'sparse' && rowsAscend(features.offsets, features.indices);
    if (features.kind === 'dense') this.dense = tf.tensor2d(features.values, [features.values.length / features.dim, features.dim]);
    else if (!sparseInput) this.dense = tf.tensor2d(densify(features), [features.offsets.length - 1, features.dim]);
  }

  /** Forgets what slot `slot`'s previous point met (a new point starts there). */
  resetSlot(slot: number): void {
    this.metFlags[slot]?.fill(0);
    this.metRows[slot] = new Int32Array(0);
  }

  /**
   * Slot `slot` has met the input bits of `rows` (a slot that continues a training from a snapshot: its first
   * layer's Adam must keep visiting the rows whose moments that training left non-zero).
   */
  meetRows(slot: number, rows: Int32Array): void {
    if (this.features.kind !== 'sparse') return;
    const { offsets, indices, dim } = this.features;
    this.met(slot, Int32Array.from(Array.from(rows).flatMap((r) => Array.from(indices.subarray(offsets[r], offsets[r + 1])))), dim);
  }

  /** Adds `bits` to what slot `slot` has met; returns the bits met so far, ascending. */
  private met(slot: number, bits: Int32Array, D: number): Int32Array {
    const flags = (this.metFlags[slot] ??= new Uint8Array(D));
    let added = false;
    for (let e = 0; e < bits.length; e++) {
      if (flags[bits[e]]) continue;
      flags[bits[e]] = 1;
      added = true;
    }
    if (added || !this.metRows[slot]) {
      const list: number[] = [];
      for (let b = 0; b < D; b++) if (flags[b]) list.push(b);
      this.metRows[slot] = Int32Array.from(list);
    }
    return this.metRows[slot];
  }

  /** A stacked batch of each slot's rows, padded to the longest. */
  batch(rows: Int32Array[], P: number, D: number, withBackward = false): { input: StackedBatch; dispose(): void } {
    const tf = this.tf;
    const B = Math.max(1, ...rows.map((r) => r.length));
    if (this.dense) {
      const index = new Int32Array(P * B).fill(-1);
      rows.forEach((r, s) => index.set(r, s * B));
      // Padding rows gather row 0 and are zeroed: their loss mask is 0 anyway, but zero input keeps them inert.
      const keep = Float32Array.from(index, (r) => (r >= 0 ? 1 : 0));
      const x = tf.tidy(() => tf.mul(tf.reshape(tf.gather(this.dense!, tf.tensor1d(index.map((r) => Math.max(r, 0)), 'int32')), [P, B, D]), tf.tensor3d(keep, [P, B, 1])) as tfType.Tensor3D);
      return { input: { rowsPerSlot: B, x }, dispose: () => x.dispose() };
    }
    const f = this.features as Extract<FeatureMatrix, { kind: 'sparse' }>;
    const parts = rows.map((r) => sparseBatchIndexes(f.offsets, f.indices, D, r, false));
    const nnz = parts.reduce((a, p) => a + p.bits.length, 0);
    const bits = new Int32Array(nnz);
    const rowOfEntry = new Int32Array(nnz);
    let at = 0;
    parts.forEach((p, s) => {
      for (let e = 0; e < p.bits.length; e++) {
        bits[at] = p.bits[e] + s * D;
        rowOfEntry[at++] = p.rowOfEntry[e] + s * B;
      }
    });
    const sparse = { bits: tf.tensor1d(bits, 'int32'), rowOfEntry: tf.tensor1d(rowOfEntry, 'int32'), size: P * B, entries: nnz };
    const owned: tfType.Tensor[] = [sparse.bits, sparse.rowOfEntry];
    let backward: SparseBackward | undefined;
    if (withBackward) {
      // Per slot, its entries by bit (a stable counting sort: rows stay ascending within a bit), and the bits its
      // point has met so far (the kernel rows its Adam must visit).
      const bitStarts = new Int32Array(P * (D + 1));
      const entryRows = new Int32Array(nnz);
      const met = parts.map((p, s) => this.met(s, p.bits, D));
      const updateStarts = [0];
      let base = 0;
      parts.forEach((p, s) => {
        const starts = bitStarts.subarray(s * (D + 1), (s + 1) * (D + 1));
        for (let e = 0; e < p.bits.length; e++) starts[p.bits[e] + 1]++;
        starts[0] = base;
        for (let b = 0; b < D; b++) starts[b + 1] += starts[b];
        const fill = starts.slice(0, D);
        for (let e = 0; e < p.bits.length; e++) entryRows[fill[p.bits[e]]++] = p.rowOfEntry[e] + s * B;
        base += p.bits.length;
        updateStarts.push(updateStarts[s] + met[s].length);
      });
      const updateRows = new Int32Array(updateStarts[P]);
      met.forEach((rows, s) => updateRows.set(rows, updateStarts[s]));
      backward = { entryRows: tf.tensor1d(entryRows, 'int32'), bitStarts: tf.tensor1d(bitStarts, 'int32'), updateRows: tf.tensor1d(updateRows, 'int32'), updateStarts, byBit: this.rowsAscend };
      owned.push(backward.entryRows, backward.bitStarts, backward.updateRows);
    }
    return { input: { rowsPerSlot: B, sparse, ...(backward ? { backward } : {}) }, dispose: () => tf.dispose(owned) };
  }

  dispose(): void {
    this.dense?.dispose();
  }
}
