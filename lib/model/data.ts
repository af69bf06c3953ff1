// The training data of one point, uploaded to the backend once and kept there for all epochs: a step only
// sends the row numbers of its batch (and, for a custom mask, the mask) across the host–backend boundary.
import type * as tfType from '@tensorflow/tfjs';
import type { FeatureMatrix, LabelMatrix } from '../types.ts';
import { ComputationError } from '../errors.ts';
import { disposeSparseBatch, uploadSparseBatch, type SparseBatch } from './sparse.ts';

/** Which labels of a batch count in its loss. */
export type BatchMask =
  /** (row, task) counts when row ∈ trainRows[task] and the pair is labelled. */
  | 'train'
  /** every labelled (row, task) pair: for evaluation on held-out rows. */
  | 'observed'
  /** explicit, row-major [rows × tasks], 1 = counts; unlabelled pairs are still excluded. */
  | Float32Array;

/** One minibatch: everything the model needs to compute its loss, already on the backend. */
export interface Batch {
  /** Row numbers (into the label matrix) of the batch, in order. */
  rows: Int32Array;
  /** Row numbers as an int32 tensor [B]: the sparse first layer gathers the fingerprint bits by these. */
  rowIndex: tfType.Tensor1D;
  /** Dense input [B, D] (dense feature path). */
  x?: tfType.Tensor2D;
  /** Set-bit index lists of the batch (sparse feature path). */
  sparse?: SparseBatch;
  /** Labels [B, K] (0/1; unlabelled pairs hold 0 and are masked). */
  y: tfType.Tensor2D;
  /** Loss mask [B, K]: 1 where the (row, task) label counts, else 0. */
  mask: tfType.Tensor2D;
  /** Host copy of the mask, row-major [B × K] (to ask which tasks a batch labels without a device read). */
  hostMask: Float32Array;
  dispose(): void;
}

/** CSR fingerprint bits for the sparse first layer; each batch uploads only its own index lists. */
export interface SparseFeatures {
  hostOffsets: Int32Array;
  hostIndices: Int32Array;
}

export interface TaskDataOptions {
  /** Keep sparse features sparse (batches carry set-bit index lists for the sparse first layer, the fast path
   * on wasm/cpu); otherwise they are densified once and kept on the backend (the fast path on tfjs-node). */
  sparseInput: boolean;
}

/** A point's labels on the host, row-major [rows × K] over its tasks: y (0/1), observed (label present) and the
 * training mask (observed and the row trains that task). */
export interface HostLabels {
  y: Float32Array;
  observed: Float32Array;
  trainMask: Float32Array;
}

export function hostLabels(labels: LabelMatrix, tasks: readonly string[], trainRows: Record<string, Int32Array>): HostLabels {
  const nRows = labels.compoundIds.length;
  const K = tasks.length;
  const columns = tasks.map((t) => {
    const c = labels.tasks.indexOf(t);
    if (c < 0) throw new ComputationError(`task '${t}' is not in the label matrix (tasks: ${labels.tasks.join(', ')})`);
    return c;
  });
  const L = labels.tasks.length;
  const y = new Float32Array(nRows * K);
  const observed = new Float32Array(nRows * K);
  const trainMask = new Float32Array(nRows * K);
  for (let r = 0; r < nRows; r++) {
    for (let k = 0; k < K; k++) {
      const v = labels.labels[r * L + columns[k]];
      if (v >= 0) {
        observed[r * K + k] = 1;
        y[r * K + k] = v;
      }
    }
  }
  tasks.forEach((t, k) => {
    const rows = trainRows[t];
    if (!rows) return;
    for (const r of rows) {
      if (r < 0 || r >= nRows) throw new ComputationError(`trainRows['${t}'] holds row ${r}, outside 0..${nRows - 1}`);
      trainMask[r * K + k] = observed[r * K + k];
    }
  });
  return { y, observed, trainMask };
}

/**
 * Labels of the chosen tasks, the training mask and the features of every row, resident on the backend.
 * Row numbers are those of the LabelMatrix (features must have the same rows).
 */
export class TaskData {
  readonly tasks: string[];
  readonly nRows: number;
  readonly inputDim: number;
  /** Host copies, row-major [nRows × K]: y (0/1), observed (label present), train mask. */
  readonly hostY: Float32Array;
  readonly hostObserved: Float32Array;
  readonly hostTrainMask: Float32Array;
  readonly sparse?: SparseFeatures;
  private readonly tf: typeof tfType;
  private readonly denseX?: tfType.Tensor2D;
  private readonly y: tfType.Tensor2D;
  private readonly observed: tfType.Tensor2D;
  private readonly trainMask: tfType.Tensor2D;

  constructor(
    tf: typeof tfType,
    features: FeatureMatrix,
    labels: LabelMatrix,
    tasks: string[],
    trainRows: Record<string, Int32Array>,
    options: TaskDataOptions,
  ) {
    this.tf = tf;
    this.tasks = tasks;
    const nRows = labels.compoundIds.length;
    this.nRows = nRows;
    this.inputDim = features.dim;
    const featureRows = features.kind === 'sparse' ? features.offsets.length - 1 : features.values.length / features.dim;
    if (featureRows !== nRows) {
      throw new ComputationError(`features have ${featureRows} rows but the label matrix has ${nRows} compounds`);
    }
    const host = hostLabels(labels, tasks, trainRows);
    this.hostY = host.y;
    this.hostObserved = host.observed;
    this.hostTrainMask = host.trainMask;
    const K = tasks.length;
    this.y = tf.tensor2d(this.hostY, [nRows, K]);
    this.observed = tf.tensor2d(this.hostObserved, [nRows, K]);
    this.trainMask = tf.tensor2d(this.hostTrainMask, [nRows, K]);
    if (features.kind === 'dense') {
      this.denseX = tf.tensor2d(features.values, [nRows, features.dim]);
    } else if (options.sparseInput) {
      for (let p = 0; p < features.indices.length; p++) {
        const b = features.indices[p];
        if (!(b >= 0 && b < features.dim)) throw new ComputationError(`fingerprint bit ${b} at position ${p} is outside 0..${features.dim - 1}`);
      }
      this.sparse = { hostOffsets: features.offsets, hostIndices: features.indices };
    } else {
      this.denseX = tf.tensor2d(densify(features), [nRows, features.dim]);
    }
  }

  /** Makes a batch of the given rows; the mask says which labels count in its loss (default: the training mask). */
  batch(rows: Int32Array, mask: BatchMask = 'train'): Batch {
    const tf = this.tf;
    const K = this.tasks.length;
    const rowIndex = tf.tensor1d(rows, 'int32');
    const x = this.denseX ? tf.gather(this.denseX, rowIndex) : undefined;
    const sparse = this.sparse ? uploadSparseBatch(tf, this.sparse.hostOffsets, this.sparse.hostIndices, this.inputDim, rows) : undefined;
    const y = tf.gather(this.y, rowIndex);
    let maskTensor: tfType.Tensor2D;
    const hostMask = new Float32Array(rows.length * K);
    if (mask === 'train' || mask === 'observed') {
      const source = mask === 'train' ? this.hostTrainMask : this.hostObserved;
      for (let i = 0; i < rows.length; i++) hostMask.set(source.subarray(rows[i] * K, rows[i] * K + K), i * K);
      maskTensor = tf.gather(mask === 'train' ? this.trainMask : this.observed, rowIndex);
    } else {
      if (mask.length !== rows.length * K) {
        throw new ComputationError(`batch mask has ${mask.length} values; expected rows × tasks = ${rows.length * K}`);
      }
      for (let i = 0; i < rows.length; i++) for (let k = 0; k < K; k++) hostMask[i * K + k] = mask[i * K + k] * this.hostObserved[rows[i] * K + k];
      maskTensor = tf.tensor2d(hostMask, [rows.length, K]);
    }
    const owned = [rowIndex, y, maskTensor, ...(x ? [x] : [])];
    return {
      rows,
      rowIndex,
      x,
      sparse,
      y,
      mask: maskTensor,
      hostMask,
      dispose: () => {
        tf.dispose(owned);
        if (sparse) disposeSparseBatch(tf, sparse);
      },
    };
  }

  dispose(): void {
    const own: (tfType.Tensor | undefined)[] = [this.y, this.observed, this.trainMask, this.denseX];
    this.tf.dispose(own.filter((t): t is tfType.Tensor => t !== undefined));
  }
}

/** Dense 0/1 matrix [rows × dim] of CSR fingerprint bits. */
export function densify(features: Extract<FeatureMatrix, { kind: 'sparse' }>): Float32Array {
  const rows = features.offsets.length - 1;
  const out = new Float32Array(rows * features.dim);
  for (let r = 0; r < rows; r++) {
    for (let p = features.offsets[r]; p < features.offsets[r + 1]; p++) out[r * features.dim + features.indices[p]] = 1;
  }
  return out;
}
