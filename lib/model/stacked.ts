// P networks of one shape as one program: every variable carries a leading slot axis (slot s holds point s's
// trunk and heads), so one tfjs op computes a layer of all P points and the per-op overhead that dominates a
// small network's step (docs/methods.md, "Batched training") is paid once for P points. Slots never mix: each
// has its own rows, labels, masks, dropout stream, loss normalisation and Adam step count, and a slot that has
// finished stops updating while the others go on.
import type * as tfType from '@tensorflow/tfjs';
import { adamInPlace, type AdamSlot } from './kernels/mtlc-kernels.ts';
import { sparseMatMul, type SparseBatch } from './sparse.ts';
import type { NetworkInit } from './init.ts';

export interface StackedOptions {
  slots: number;
  inputDim: number;
  hidden: readonly number[];
  /** Heads (tasks) per slot: every slot of a stacked network has the same K. */
  heads: number;
  learningRate: number;
}

/** Inputs of one stacked forward pass: B rows per slot (a slot with fewer real rows is padded with rows that
 * have no input bits and a zero loss mask). */
export interface StackedBatch {
  rowsPerSlot: number;
  /** Sparse first layer: entries address the flattened [P·D, H] kernel (bit + s·D) and [P·B] rows (i + s·B). */
  sparse?: SparseBatch;
  /** Dense first layer: [P, B, D]. */
  x?: tfType.Tensor3D;
}

/** The training targets of a stacked batch: labels, loss mask [P, B, K] and one dropout mask per trunk layer. */
export interface StackedTargets {
  y: tfType.Tensor3D;
  mask: tfType.Tensor3D;
  /** Inverted-dropout masks [P, B, width] per trunk layer; none: dropout off. */
  dropout: tfType.Tensor3D[];
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

  resetSlot(slot: number): void {
    this.steps[slot] = 0;
    this.moments.forEach((moment) => {
      const { m, v } = moment;
      moment.m = writeSlot(this.tf, m, slot, this.tf.zeros(m.shape.slice(1)));
      moment.v = writeSlot(this.tf, v, slot, this.tf.zeros(v.shape.slice(1)));
      this.tf.dispose([m, v]);
    });
  }

  apply(grads: tfType.Tensor[], active: readonly boolean[]): void {
    const tf = this.tf;
    const slots: AdamSlot[] = active.map((on, s) => {
      if (!on) return null;
      const t = ++this.steps[s];
      return { stepSize: this.learningRate / (1 - BETA1 ** t), vCorrection: 1 / (1 - BETA2 ** t) };
    });
    const attrs = { beta1: BETA1, beta2: BETA2, epsilon: EPSILON, slots };
    this.variables.forEach((w, i) => {
      const g = grads[i];
      const { m, v } = this.moments[i];
      if (adamInPlace(tf, w, m, v, g, attrs)) return;
      const [w1, m1, v1] = tf.tidy(() => {
        const perSlot = (f: (s: NonNullable<AdamSlot>) => number, idle: number) =>
          tf.tensor(slots.map((s) => (s ? f(s) : idle)), [slots.length, ...w.shape.slice(1).map(() => 1)]);
        const m1 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
        const v1 = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
        const update = tf.div(tf.mul(m1, perSlot((s) => s.stepSize, 0)), tf.add(tf.sqrt(tf.mul(v1, perSlot((s) => s.vCorrection, 1))), EPSILON));
        return [tf.sub(w, update), m1, v1];
      });
      w.assign(w1);
      tf.dispose([w1, m, v]);
      this.moments[i] = { m: m1, v: v1 };
    });
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
    const tf = this.tf;
    if (init.layers.length !== this.kernels.length) throw new Error(`slot init has ${init.layers.length} layers; the network ${this.kernels.length}`);
    init.layers.forEach(({ kernel, bias, fanIn, width }, l) => {
      for (const [variable, values, shape] of [
        [this.kernels[l], kernel, [fanIn, width]],
        [this.biases[l], bias, [1, width]],
      ] as const) {
        const next = writeSlot(tf, variable, slot, tf.tensor(values, [...shape]));
        variable.assign(next);
        next.dispose();
      }
    });
    this.optimizer.resetSlot(slot);
  }

  /** Logits [P, B, K]; dropout masks (one per trunk layer) on in training, none in evaluation. */
  logits(batch: StackedBatch, dropout: readonly tfType.Tensor3D[] = []): tfType.Tensor3D {
    const tf = this.tf;
    const P = this.slots;
    const B = batch.rowsPerSlot;
    let h: tfType.Tensor3D;
    const w1 = this.kernels[0];
    if (batch.sparse) {
      const [, D, H] = w1.shape;
      h = tf.reshape(sparseMatMul(tf, batch.sparse, tf.reshape(w1, [P * D, H])), [P, B, H]);
    } else if (batch.x) {
      h = tf.matMul(batch.x, w1 as tfType.Tensor3D);
    } else {
      throw new Error('stacked batch has neither dense (x) nor sparse input');
    }
    for (let l = 0; l < this.kernels.length; l++) {
      if (l > 0) h = tf.matMul(h, this.kernels[l] as tfType.Tensor3D);
      h = tf.add(h, this.biases[l]);
      if (l === this.kernels.length - 1) break;
      h = tf.relu(h);
      if (dropout[l]) h = tf.mul(h, dropout[l]);
    }
    return h;
  }

  /** Σ_s L_s: each slot's mean masked cross-entropy (the per-pair loss of lib/model/network.ts). */
  loss(batch: StackedBatch, targets: StackedTargets): tfType.Scalar {
    const tf = this.tf;
    const z = this.logits(batch, targets.dropout);
    const pair = tf.add(tf.sub(tf.relu(z), tf.mul(z, targets.y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const perSlot = tf.div(tf.sum(tf.mul(pair, targets.mask), [1, 2]), tf.maximum(tf.sum(targets.mask, [1, 2]), 1));
    return tf.sum(perSlot);
  }

  /** One optimisation step of every active slot. */
  trainStep(batch: StackedBatch, targets: StackedTargets, active: readonly boolean[]): void {
    const tf = this.tf;
    const variables = this.variables;
    const { grads, value } = tf.variableGrads(() => this.loss(batch, targets), variables);
    this.optimizer.apply(
      variables.map((v) => grads[v.name]),
      active,
    );
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
