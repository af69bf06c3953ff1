// P networks of one shape as one program: every variable carries a leading slot axis (slot s holds point s's
// trunk and heads), so one tfjs op computes a layer of all P points and the per-op overhead that dominates a
// small network's step (docs/methods.md, "Batched training") is paid once for P points. Slots never mix: each
// has its own rows, labels, masks, dropout stream, loss normalisation and Adam step count, and a slot that has
// finished stops updating while the others go on.
import type * as tfType from '@tensorflow/tfjs';
import { ADAM, GATHER_ADD, GATHER_ADD_BY_BIT, hasMtlcKernels, hasSparseAdam, sparseAdamInPlace, writeSlotInPlace, type AdamAttrs, type AdamSlot, type SparseBackward } from './kernels/mtlc-kernels.ts';
import { sparseMatMul, type SparseBatch } from './sparse.ts';
import { denseLayer, trunkActivation } from './layers.ts';
import type { NetworkInit } from './init.ts';

export interface StackedOptions {
  slots: number;
  inputDim: number;
  hidden: readonly number[];
  /** Heads (tasks) per slot: every slot of a stacked network has the same K. */
  heads: number;
  /** Whether batches feed the first layer sparse (gather-add) rather than by a dense matMul. */
  sparseInput: boolean;
  learningRate: number;
}

/** Inputs of one stacked forward pass: B rows per slot (a slot with fewer real rows is padded with rows that
 * have no input bits and a zero loss mask). */
export interface StackedBatch {
  rowsPerSlot: number;
  /** Sparse first layer: entries address the flattened [P·D, H] kernel (bit + s·D) and [P·B] rows (i + s·B). */
  sparse?: SparseBatch;
  /** The same entries by bit, per slot (for the fused backward and Adam of the first layer, where it runs). */
  backward?: SparseBackward;
  /** Dense first layer: [P, B, D]. */
  x?: tfType.Tensor3D;
}

/** The training targets of a stacked batch: labels, loss mask [P, B, K] and one dropout mask per trunk layer. */
export interface StackedTargets {
  y: tfType.Tensor3D;
  mask: tfType.Tensor3D;
  /** Inverted-dropout masks [P, B, width] per trunk layer; none: dropout off. */
  dropout: tfType.Tensor3D[];
  /** Per slot [P], what its summed loss is divided by; default: its count of admitted pairs (the mean). */
  denominators?: tfType.Tensor1D;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * Adam (PyTorch's form, as lib/model/adam.ts) over stacked variables with a step count per slot: slot s takes
 * its t-th step with stepSize = lr/(1 − β₁ᵗ) and vCorrection = 1/(1 − β₂ᵗ); a slot that is not active this step
 * keeps its weights and moments.
 */
class SlotAdam {
  private readonly steps: number[];
  private readonly moments: { m: tfType.Tensor; v: tfType.Tensor }[];

  constructor(
    private readonly tf: typeof tfType,
    private readonly variables: tfType.Variable[],
    private readonly learningRate: number,
    slots: number,
  ) {
    this.steps = new Array(slots).fill(0);
    this.moments = variables.map((w) => ({ m: tf.zerosLike(w), v: tf.zerosLike(w) }));
  }

  /** Slot `slot` at step `step` with moments `moments[i]` of variable i (none: zero moments). */
  loadSlot(slot: number, step: number, moments?: readonly { m: Float32Array; v: Float32Array }[]): void {
    this.steps[slot] = step;
    this.moments.forEach((moment, i) => {
      for (const key of ['m', 'v'] as const) {
        const values = moments ? moments[i][key] : 0;
        const old = moment[key];
        if (writeSlotInPlace(this.tf, old, slot, values)) continue;
        moment[key] = writeSlot(this.tf, old, slot, typeof values === 'number' ? this.tf.zeros(old.shape.slice(1)) : this.tf.tensor(values, old.shape.slice(1)));
        old.dispose();
      }
    });
  }

  /** Advances the step count of the active slots; the Adam factors of this step (null for an idle slot). */
  step(active: readonly boolean[]): AdamAttrs {
    const slots: AdamSlot[] = active.map((on, s) => {
      if (!on) return null;
      const t = ++this.steps[s];
      return { stepSize: this.learningRate / (1 - BETA1 ** t), vCorrection: 1 / (1 - BETA2 ** t) };
    });
    return { beta1: BETA1, beta2: BETA2, epsilon: EPSILON, slots };
  }

  /**
   * Variable i's Adam step with its dense gradient g, into new buffers. Never in place: tfjs-backend-wasm's
   * matMul keeps XNNPACK operators with the weights packed, keyed by the weight tensor's id (measured: a head
   * updated in place at P = 1 trained on its stale packed copy), so a weight must get a new tensor each step.
   */
  apply(i: number, g: tfType.Tensor, attrs: AdamAttrs): void {
    const tf = this.tf;
    const w = this.variables[i];
    const { m, v } = this.moments[i];
    const [w1, m1, v1] = hasMtlcKernels(tf)
      ? (tf.engine().runKernel(ADAM, { w, m, v, g }, attrs as never) as tfType.Tensor[])
      : tf.tidy(() => {
        const perSlot = (f: (s: NonNullable<AdamSlot>) => number, idle: number) =>
          tf.tensor(attrs.slots.map((s) => (s ? f(s) : idle)), [attrs.slots.length, ...w.shape.slice(1).map(() => 1)]);
        const m1 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
        const v1 = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
        const update = tf.div(tf.mul(m1, perSlot((s) => s.stepSize, 0)), tf.add(tf.sqrt(tf.mul(v1, perSlot((s) => s.vCorrection, 1))), EPSILON));
        return [tf.sub(w, update), m1, v1];
      });
    w.assign(w1);
    tf.dispose([w1, m, v]);
    this.moments[i] = { m: m1, v: v1 };
  }

  /** Variable i (a sparse first layer's kernel, which no matMul reads): its gradient from dy by the batch's lists,
   * fused with Adam, in place. */
  applySparse(i: number, dy: tfType.Tensor, lists: SparseBackward, attrs: AdamAttrs): boolean {
    const { m, v } = this.moments[i];
    return sparseAdamInPlace(this.tf, this.variables[i], m, v, dy, lists, attrs);
  }

  dispose(): void {
    for (const { m, v } of this.moments) this.tf.dispose([m, v]);
  }
}

/** A copy of `stacked` whose slot `slot` holds `value` (shape = stacked.shape without the slot axis); disposes `value`. */
function writeSlot(tf: typeof tfType, stacked: tfType.Tensor, slot: number, value: tfType.Tensor): tfType.Tensor {
  return tf.tidy(() => {
    const parts = tf.unstack(stacked);
    parts[slot] = value;
    return tf.stack(parts);
  });
}

/**
 * The hard-parameter-sharing network of lib/model/network.ts, P times: slot s computes
 *   h₀ = x_s,  h_l = dropout(ReLU(h_{l−1}·W_l[s] + b_l[s])),  z_s = h_L·W_head[s] + b_head[s]   (z: [P, B, K])
 * and the training loss is Σ_s L_s, L_s the mean cross-entropy over slot s's admitted pairs — the slots' weights
 * are disjoint, so each slot's gradient is exactly its own point's.
 */
export class StackedNetwork {
  readonly slots: number;
  readonly inputDim: number;
  readonly hidden: readonly number[];
  readonly heads: number;
  readonly sparseInput: boolean;
  /** Per layer (trunk, then head): kernel [P, fanIn, width], bias [P, 1, width]. */
  readonly kernels: tfType.Variable[];
  readonly biases: tfType.Variable[];
  private readonly optimizer: SlotAdam;

  constructor(
    private readonly tf: typeof tfType,
    options: StackedOptions,
  ) {
    this.slots = options.slots;
    this.inputDim = options.inputDim;
    this.hidden = [...options.hidden];
    this.heads = options.heads;
    this.sparseInput = options.sparseInput;
    const widths = [...options.hidden, options.heads];
    let fanIn = options.inputDim;
    this.kernels = [];
    this.biases = [];
    for (const width of widths) {
      this.kernels.push(tf.variable(tf.zeros([this.slots, fanIn, width]), true));
      this.biases.push(tf.variable(tf.zeros([this.slots, 1, width]), true));
      fanIn = width;
    }
    this.optimizer = new SlotAdam(tf, this.variables, options.learningRate, this.slots);
  }

  get variables(): tfType.Variable[] {
    return [...this.kernels, ...this.biases];
  }

  /** Starts slot `slot` afresh: the initial weights of its point, zero moments, step 0. */
  initSlot(slot: number, init: NetworkInit): void {
    if (init.layers.length !== this.kernels.length) throw new Error(`slot init has ${init.layers.length} layers; the network ${this.kernels.length}`);
    this.writeWeights(slot, [...init.layers.map((l) => l.kernel), ...init.layers.map((l) => l.bias)]);
    this.optimizer.loadSlot(slot, 0);
  }

  /**
   * Slot `slot` continues a training: `weights[i]` and `moments[i]` are variable i's (the order of `variables`:
   * kernels, then biases, each without the slot axis) and `step` its Adam step count so far.
   */
  loadSlot(slot: number, state: { weights: readonly Float32Array[]; moments: readonly { m: Float32Array; v: Float32Array }[]; step: number }): void {
    if (state.weights.length !== this.variables.length || state.moments.length !== this.variables.length) throw new Error(`slot state has ${state.weights.length} variables; the network ${this.variables.length}`);
    this.writeWeights(slot, state.weights);
    this.optimizer.loadSlot(slot, state.step, state.moments);
  }

  private writeWeights(slot: number, weights: readonly Float32Array[]): void {
    const tf = this.tf;
    this.variables.forEach((variable, i) => {
      // The big sparse first-layer kernel is written where it lies (no matMul reads it); the rest are copied.
      if (variable === this.kernels[0] && this.sparseInput && writeSlotInPlace(tf, variable, slot, weights[i])) return;
      const next = writeSlot(tf, variable, slot, tf.tensor(weights[i], variable.shape.slice(1)));
      variable.assign(next);
      next.dispose();
    });
  }

  /** The first layer's pre-activation [P, B, H]: the sparse gather-add x·W₁ (its bias still to add: `biased`
   * false), or the dense layer x·W₁ + b₁. */
  private firstLayer(batch: StackedBatch): { a: tfType.Tensor3D; biased: boolean } {
    const tf = this.tf;
    const w1 = this.kernels[0];
    const [P, D, H] = w1.shape as [number, number, number];
    if (batch.sparse) return { a: tf.reshape(sparseMatMul(tf, batch.sparse, tf.reshape(w1, [P * D, H])), [P, batch.rowsPerSlot, H]), biased: false };
    if (batch.x) return { a: denseLayer(tf, batch.x, w1 as tfType.Tensor3D, this.biases[0] as tfType.Tensor3D), biased: true };
    throw new Error('stacked batch has neither dense (x) nor sparse input');
  }

  /** Logits [P, B, K] from the first layer's pre-activation; dropout masks (one per trunk layer) in training. */
  private logitsFrom(first: { a: tfType.Tensor3D; biased: boolean }, dropout: readonly tfType.Tensor3D[]): tfType.Tensor3D {
    const tf = this.tf;
    const bias = (l: number) => this.biases[l] as tfType.Tensor3D;
    let h = trunkActivation(tf, first.a, first.biased ? undefined : bias(0), dropout[0]);
    for (let l = 1; l < this.kernels.length - 1; l++) h = trunkActivation(tf, denseLayer(tf, h, this.kernels[l] as tfType.Tensor3D, bias(l)), undefined, dropout[l]);
    const head = this.kernels.length - 1;
    return denseLayer(tf, h, this.kernels[head] as tfType.Tensor3D, bias(head));
  }

  logits(batch: StackedBatch, dropout: readonly tfType.Tensor3D[] = []): tfType.Tensor3D {
    return this.logitsFrom(this.firstLayer(batch), dropout);
  }

  /** Σ_s L_s: each slot's masked cross-entropy (the per-pair loss of lib/model/network.ts), its mean unless the
   * targets give the slot's denominator. */
  private lossFrom(z: tfType.Tensor3D, targets: StackedTargets): tfType.Scalar {
    const tf = this.tf;
    const pair = tf.add(tf.sub(tf.relu(z), tf.mul(z, targets.y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const perSlot = tf.div(tf.sum(tf.mul(pair, targets.mask), [1, 2]), targets.denominators ?? tf.maximum(tf.sum(targets.mask, [1, 2]), 1));
    return tf.sum(perSlot);
  }

  loss(batch: StackedBatch, targets: StackedTargets): tfType.Scalar {
    return this.lossFrom(this.logits(batch, targets.dropout), targets);
  }

  /**
   * One optimisation step of every active slot. With a sparse batch on the SIMD kernels, the first layer leaves
   * the tape: its product is a plain input, and its weight gradient (the scatter-add of that input's gradient)
   * is fused into its Adam step (the same bits as scatter-add then Adam, without the dense [P, D, H] gradient).
   */
  trainStep(batch: StackedBatch, targets: StackedTargets, active: readonly boolean[]): void {
    const tf = this.tf;
    const variables = this.variables;
    const attrs = this.optimizer.step(active);
    const [w1, ...rest] = variables;
    const [P, D, H] = w1.shape as [number, number, number];
    if (batch.sparse && batch.backward && H % 4 === 0 && hasSparseAdam(tf)) {
      const flat = tf.reshape(w1, [P * D, H]);
      const lists = batch.backward;
      const product = (lists.byBit
        ? tf.engine().runKernel(GATHER_ADD_BY_BIT, { weights: flat, entryRows: lists.entryRows, bitStarts: lists.bitStarts }, { slots: P, rows: batch.sparse.size })
        : tf.engine().runKernel(GATHER_ADD, { weights: flat, bits: batch.sparse.bits, rows: batch.sparse.rowOfEntry }, { batchSize: batch.sparse.size })) as tfType.Tensor;
      const first = tf.reshape(product, [P, batch.rowsPerSlot, H]) as tfType.Tensor3D;
      tf.dispose([flat, product]);
      const { value, grads } = tf.valueAndGrads((x: tfType.Tensor) => this.lossFrom(this.logitsFrom({ a: x as tfType.Tensor3D, biased: false }, targets.dropout), targets))([first, ...rest]);
      rest.forEach((_, j) => this.optimizer.apply(j + 1, grads[j + 1], attrs));
      if (!this.optimizer.applySparse(0, grads[0], batch.backward, attrs)) throw new Error('the fused sparse Adam is not available on this backend');
      tf.dispose([first, value, ...grads]);
      return;
    }
    const { grads, value } = tf.variableGrads(() => this.loss(batch, targets), variables);
    variables.forEach((v, i) => this.optimizer.apply(i, grads[v.name], attrs));
    tf.dispose([value, ...Object.values(grads)]);
  }

  /** Probabilities σ(z), dropout off, as one host array [P × B × K]. */
  predict(batch: StackedBatch): Float32Array {
    const tf = this.tf;
    const p = tf.tidy(() => tf.sigmoid(this.logits(batch)));
    const out = p.dataSync() as Float32Array;
    p.dispose();
    return out;
  }

  dispose(): void {
    this.tf.dispose(this.variables);
    this.optimizer.dispose();
  }
}
