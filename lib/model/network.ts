// The multi-task network: hard parameter sharing — a shared trunk of dense ReLU layers with dropout, and one
// logistic head per task — trained with binary cross-entropy over the observed labels only.
import type * as tfType from '@tensorflow/tfjs';
import type { Batch } from './data.ts';
import { Adam, type AdamState } from './adam.ts';
import { createRng, type Rng } from '../stats/rng.ts';
import { networkInit } from './init.ts';
import { sparseMatMul } from './sparse.ts';
import { dropoutMasks } from './kernels/mtlc-kernels.ts';
import { denseLayer, trunkActivation } from './layers.ts';

export interface NetworkOptions {
  inputDim: number;
  /** Widths of the trunk's dense layers. */
  hidden: number[];
  tasks: string[];
  dropout: number;
  learningRate: number;
  seed: number;
}

export interface ForwardOptions {
  /** Dropout on (training) or off (evaluation). Default: on in `loss`/`trainStep`, off in `taskLoss`, `taskLosses`, `predict`. */
  training?: boolean;
}

/** Everything needed to put the model and its optimizer back as they were. */
export interface ModelSnapshot {
  variables: Map<string, tfType.Tensor>;
  optimizer: AdamState;
}

let modelCounter = 0;

/**
 * Hard-parameter-sharing network for K binary tasks:
 *
 *   h₀ = x,  h_l = dropout(ReLU(h_{l−1}·W_l + b_l)),  z = h_L·W_head + b_head   (z: [B, K] logits)
 *
 * Column k of the stacked head (W_head[:, k], b_head[k]) is task k's logistic head. The loss of task k on a
 * batch is the mean binary cross-entropy over the pairs its mask admits,
 *
 *   L_k = Σ_b m_bk · ℓ(z_bk, y_bk) / max(1, Σ_b m_bk),   ℓ(z, y) = max(z, 0) − z·y + ln(1 + e^{−|z|}),
 *
 * and the training loss is the mean over all admitted pairs of the batch, L = Σ_bk m_bk·ℓ_bk / max(1, Σ_bk m_bk):
 * an unlabelled or masked pair multiplies by 0 and adds nothing to the loss or its gradient.
 *
 * For TAG and the snapshot branches the model exposes its parts:
 * - `trunkVariables` (alias `trunk`; shared), `headVariables(task)` (the stacked head; column `taskIndex(task)`
 *   is the task's),
 * - `taskLoss(batch, task)` / `taskLosses(batch)` (per-task scalars, for tf.variableGrads; dropout off unless
 *   `{ training: true }`), `labelledTasks(batch)` (which tasks have admitted labels in a batch; no device read),
 * - `optimizer` (an `Adam` whose `applyGradients` is the training step's own update),
 * - `snapshot()` / `restore(s)` / `disposeSnapshot(s)` for variables and optimizer state together.
 */
export class MultiTaskNetwork {
  readonly tasks: string[];
  readonly inputDim: number;
  readonly hidden: number[];
  readonly dropout: number;
  readonly trunkVariables: tfType.Variable[];
  readonly headKernel: tfType.Variable;
  readonly headBias: tfType.Variable;
  readonly optimizer: Adam;
  /** Draws the dropout seeds, so that a run is reproducible from its seed. */
  dropoutRng: Rng;
  protected readonly tf: typeof tfType;
  private readonly taskIndexes: Map<string, number>;

  constructor(tf: typeof tfType, options: NetworkOptions) {
    this.tf = tf;
    this.tasks = [...options.tasks];
    this.taskIndexes = new Map(this.tasks.map((t, i) => [t, i]));
    this.inputDim = options.inputDim;
    this.hidden = [...options.hidden];
    this.dropout = options.dropout;
    const init = networkInit(options.seed, options.inputDim, options.hidden, this.tasks.length);
    this.dropoutRng = createRng(init.dropoutSeed);
    const prefix = `mtlc${++modelCounter}`;
    const variable = (values: Float32Array, shape: number[], name: string) => tf.variable(tf.tensor(values, shape), true, `${prefix}/${name}`);
    this.trunkVariables = init.layers.slice(0, -1).flatMap(({ kernel, bias, fanIn, width }, l) => [
      variable(kernel, [fanIn, width], `trunk${l}/kernel`),
      variable(bias, [width], `trunk${l}/bias`),
    ]);
    const head = init.layers[init.layers.length - 1];
    this.headKernel = variable(head.kernel, [head.fanIn, head.width], 'head/kernel') as tfType.Variable;
    this.headBias = variable(head.bias, [head.width], 'head/bias') as tfType.Variable;
    this.optimizer = new Adam(tf, this.variables, { learningRate: options.learningRate });
  }

  /** All trainable variables: trunk first, then the stacked head. */
  get variables(): tfType.Variable[] {
    return [...this.trunkVariables, this.headKernel, this.headBias];
  }

  /** The shared trunk's variables (same as trunkVariables). */
  get trunk(): tfType.Variable[] {
    return this.trunkVariables;
  }

  /** Restarts the dropout stream from `seed`: runs reseeded alike draw the same masks for the same batch shapes. */
  reseedDropout(seed: number): void {
    this.dropoutRng = createRng(seed);
  }

  /** Whether each task has at least one admitted label in the batch. */
  labelledTasks(batch: Batch): boolean[] {
    const K = this.tasks.length;
    const out = new Array<boolean>(K).fill(false);
    for (let i = 0; i < batch.hostMask.length; i++) if (batch.hostMask[i] > 0) out[i % K] = true;
    return out;
  }

  taskIndex(task: string): number {
    const k = this.taskIndexes.get(task);
    if (k === undefined) throw new Error(`unknown task '${task}' (tasks: ${this.tasks.join(', ')})`);
    return k;
  }

  /** The head variables holding `task`'s head: the stacked [H, K] kernel and [K] bias (column taskIndex(task)). */
  headVariables(task?: string): tfType.Variable[] {
    if (task !== undefined) this.taskIndex(task);
    return [this.headKernel, this.headBias];
  }

  /** A variable seen as one slot of the stacked layer ops (lib/model/layers.ts): [1, …shape], a bias [1, 1, n]. */
  private slot(v: tfType.Tensor): tfType.Tensor3D {
    return this.tf.reshape(v, v.shape.length === 1 ? [1, 1, v.shape[0]] : [1, v.shape[0], v.shape[1]!]) as tfType.Tensor3D;
  }

  /** Output of the shared trunk [B, H_last]: the layer ops of lib/model/layers.ts on one slot, as the batched
   * trainer runs them on many (the same bits). */
  trunkOutput(batch: Batch, options: ForwardOptions = {}): tfType.Tensor2D {
    const tf = this.tf;
    const training = options.training ?? true;
    const rows = batch.rows.length;
    const mask = (width: number) => (training && this.dropout > 0 ? this.dropoutMask(rows, width) : undefined);
    const [w1, b1] = this.trunkVariables;
    let h: tfType.Tensor3D;
    if (batch.sparse) {
      h = trunkActivation(tf, this.slot(sparseMatMul(tf, batch.sparse, w1 as tfType.Tensor2D)), this.slot(b1), mask(this.hidden[0]));
    } else if (batch.x) {
      h = trunkActivation(tf, denseLayer(tf, this.slot(batch.x), this.slot(w1), this.slot(b1)), undefined, mask(this.hidden[0]));
    } else {
      throw new Error('batch has neither dense (x) nor sparse input');
    }
    for (let l = 1; l < this.hidden.length; l++) {
      const a = denseLayer(tf, h, this.slot(this.trunkVariables[2 * l]), this.slot(this.trunkVariables[2 * l + 1]));
      h = trunkActivation(tf, a, undefined, mask(this.hidden[l]));
    }
    return tf.reshape(h, [rows, this.hidden[this.hidden.length - 1]]);
  }

  /**
   * Inverted dropout mask [rows, width] from the model's own seeded stream: each unit is kept with probability
   * 1 − p and scaled by 1/(1 − p), else 0 (PyTorch's nn.Dropout). Drawn from the run's seeded stream so a point
   * is reproducible from its seed alone (lib/model/kernels, dropoutMasks); the trunk activation applies it.
   */
  private dropoutMask(rows: number, width: number): tfType.Tensor3D {
    return dropoutMasks(this.tf, [this.dropoutRng], [rows], rows, width, this.dropout);
  }

  /** Logits z [B, K]. */
  logits(batch: Batch, options: ForwardOptions = {}): tfType.Tensor2D {
    const tf = this.tf;
    const z = denseLayer(tf, this.slot(this.trunkOutput(batch, options)), this.slot(this.headKernel), this.slot(this.headBias));
    return tf.reshape(z, [batch.rows.length, this.tasks.length]);
  }

  /** Predicted probabilities σ(z) [B, K], dropout off. */
  predict(batch: Batch): tfType.Tensor2D {
    return this.tf.tidy(() => this.tf.sigmoid(this.logits(batch, { training: false })));
  }

  /**
   * Masked per-pair cross-entropy m ⊙ ℓ(z, y) [B, K], ℓ(z, y) = max(z, 0) − z·y + log(1 + e^−|z|) (stable in z).
   * Every loss of the project (training, evaluation, TAG, the snapshot branches) is a sum of this tensor.
   */
  maskedPairLoss(batch: Batch, options: ForwardOptions): tfType.Tensor2D {
    const tf = this.tf;
    const z = this.logits(batch, options);
    const pair = tf.add(tf.sub(tf.relu(z), tf.mul(z, batch.y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.mul(pair, batch.mask);
  }

  /** Training loss: mean cross-entropy over the admitted pairs of the batch (0 when none). */
  loss(batch: Batch, options: ForwardOptions = {}): tfType.Scalar {
    const tf = this.tf;
    return tf.tidy(() => tf.div(tf.sum(this.maskedPairLoss(batch, options)), tf.maximum(tf.sum(batch.mask), 1)) as tfType.Scalar);
  }

  /** Per-task losses L_k [K] (each normalised by its own count of admitted pairs); dropout off by default. */
  taskLossVector(batch: Batch, options: ForwardOptions = {}): tfType.Tensor1D {
    const tf = this.tf;
    const opts = { training: options.training ?? false };
    return tf.tidy(() => tf.div(tf.sum(this.maskedPairLoss(batch, opts), 0), tf.maximum(tf.sum(batch.mask, 0), 1)) as tfType.Tensor1D);
  }

  /** L_k of one task as a scalar (differentiable); dropout off by default. */
  taskLoss(batch: Batch, task: string | number, options: ForwardOptions = {}): tfType.Scalar {
    const k = typeof task === 'number' ? task : this.taskIndex(task);
    const tf = this.tf;
    const opts = { training: options.training ?? false };
    return tf.tidy(() => {
      const pair = this.maskedPairLoss(batch, opts);
      const column = tf.slice(pair, [0, k], [-1, 1]);
      const count = tf.slice(batch.mask, [0, k], [-1, 1]);
      return tf.div(tf.sum(column), tf.maximum(tf.sum(count), 1)) as tfType.Scalar;
    });
  }

  /** Every task's loss as scalars, in task order (one forward pass). */
  taskLosses(batch: Batch, options: ForwardOptions = {}): tfType.Scalar[] {
    const vector = this.taskLossVector(batch, options);
    const out = this.tf.unstack(vector) as tfType.Scalar[];
    vector.dispose();
    return out;
  }

  /** One optimisation step on the training loss; returns nothing (reading the loss would cost a sync). */
  trainStep(batch: Batch): void {
    const tf = this.tf;
    const { grads, value } = tf.variableGrads(() => this.loss(batch, { training: true }), this.variables);
    this.optimizer.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }

  snapshot(): ModelSnapshot {
    const variables = new Map<string, tfType.Tensor>();
    for (const v of this.variables) variables.set(v.name, this.tf.clone(v));
    return { variables, optimizer: this.optimizer.getState() };
  }

  restore(snapshot: ModelSnapshot): void {
    for (const v of this.variables) {
      const saved = snapshot.variables.get(v.name);
      if (!saved) throw new Error(`snapshot lacks variable '${v.name}'`);
      v.assign(saved);
    }
    this.optimizer.setState(snapshot.optimizer);
  }

  disposeSnapshot(snapshot: ModelSnapshot): void {
    this.tf.dispose([...snapshot.variables.values()]);
    this.optimizer.disposeState(snapshot.optimizer);
  }

  dispose(): void {
    this.tf.dispose(this.variables);
    this.optimizer.dispose();
  }
}
