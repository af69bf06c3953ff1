// The sparse first layer: a fingerprint has ~2–5 % of its bits set, so x·W₁ is the sum of the weight rows of
// the set bits, and the weight gradient is a scatter-add of the output gradient into those rows — ~20× fewer
// operations than the dense matMul. On wasm and cpu both are mtlc's own kernels (kernels/mtlc-kernels.ts,
// SIMD on the wasm heap); elsewhere the stock SparseSegmentSum op does the same with CSC lists for the
// backward. The host builds the index lists of each batch from the CSR fingerprints (a few thousand int32).
import type * as tfType from '@tensorflow/tfjs';
import { GATHER_ADD, SCATTER_ADD, hasMtlcKernels } from './kernels/mtlc-kernels.ts';

/** Index lists of one batch (B rows, nnz set bits in all). */
export interface SparseBatch {
  /** Forward (CSR order): for entry p, bit bits[p] of batch row rowOfEntry[p]; rows ascending. */
  bits: tfType.Tensor1D;
  rowOfEntry: tfType.Tensor1D;
  /** Backward of the stock-op path only (CSC order, plus one terminal entry (row B → a zero row, bit D−1) so the
   * gradient has D rows); mtlc's kernels scatter-add straight from the forward lists. */
  gradRows?: tfType.Tensor1D;
  gradBits?: tfType.Tensor1D;
  /** Batch rows B. */
  size: number;
  /** Set bits in the batch (nnz). */
  entries: number;
}

interface BatchIndexes {
  bits: Int32Array;
  rowOfEntry: Int32Array;
}
interface BackwardIndexes {
  gradRows?: Int32Array;
  gradBits?: Int32Array;
}

/**
 * Builds the forward index lists of a batch from CSR fingerprints and, when asked (the stock-op path), the backward
 * CSC lists by a counting sort by bit. mtlc's kernels scatter-add from the forward lists, so every training step on
 * wasm/cpu skips the sort.
 */
export function sparseBatchIndexes(offsets: Int32Array, indices: Int32Array, dim: number, rows: Int32Array, withBackward?: true): BatchIndexes & Required<BackwardIndexes>;
export function sparseBatchIndexes(offsets: Int32Array, indices: Int32Array, dim: number, rows: Int32Array, withBackward: boolean): BatchIndexes & BackwardIndexes;
export function sparseBatchIndexes(offsets: Int32Array, indices: Int32Array, dim: number, rows: Int32Array, withBackward = true): BatchIndexes & BackwardIndexes {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += offsets[rows[i] + 1] - offsets[rows[i]];
  const bits = new Int32Array(nnz);
  const rowOfEntry = new Int32Array(nnz);
  const perBit = new Int32Array(dim + 1);
  let p = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let q = offsets[rows[i]]; q < offsets[rows[i] + 1]; q++) {
      const b = indices[q];
      bits[p] = b;
      rowOfEntry[p++] = i;
      perBit[b + 1]++;
    }
  }
  if (!withBackward) return { bits, rowOfEntry };
  for (let b = 0; b < dim; b++) perBit[b + 1] += perBit[b];
  const gradRows = new Int32Array(nnz + 1);
  const gradBits = new Int32Array(nnz + 1);
  for (let e = 0; e < nnz; e++) {
    const slot = perBit[bits[e]]++;
    gradRows[slot] = rowOfEntry[e];
    gradBits[slot] = bits[e];
  }
  gradRows[nnz] = rows.length;
  gradBits[nnz] = dim - 1;
  return { bits, rowOfEntry, gradRows, gradBits };
}

/** Uploads a batch's index lists; the backward CSC lists only when the stock-op path will need them. */
export function uploadSparseBatch(
  tf: typeof tfType,
  offsets: Int32Array,
  indices: Int32Array,
  dim: number,
  rows: Int32Array,
  useKernels = hasMtlcKernels(tf),
): SparseBatch {
  const ix = sparseBatchIndexes(offsets, indices, dim, rows, !useKernels);
  return {
    bits: tf.tensor1d(ix.bits, 'int32'),
    rowOfEntry: tf.tensor1d(ix.rowOfEntry, 'int32'),
    gradRows: ix.gradRows && tf.tensor1d(ix.gradRows, 'int32'),
    gradBits: ix.gradBits && tf.tensor1d(ix.gradBits, 'int32'),
    size: rows.length,
    entries: ix.bits.length,
  };
}

/**
 * x·W for a 0/1 sparse batch x, with its gradient:
 *
 *   (x·W)[b, :] = Σ_{j ∈ bits(b)} W[j, :]            (gather-add; SparseSegmentSum over the CSR lists)
 *   ∂L/∂W[j, :] = Σ_{b : j ∈ bits(b)} ∂L/∂(x·W)[b, :]  (scatter-add; SparseSegmentSum over the CSC lists)
 *
 * Exactly the dense product and its gradient for 0/1 inputs (up to float summation order).
 */
export function sparseMatMul(tf: typeof tfType, batch: SparseBatch, weights: tfType.Tensor2D): tfType.Tensor2D {
  const [dim, width] = weights.shape;
  if (!batch.gradRows) {
    const op = tf.customGrad(((w: tfType.Tensor2D) => ({
      value: tf.engine().runKernel(GATHER_ADD, { weights: w, bits: batch.bits, rows: batch.rowOfEntry }, { batchSize: batch.size }) as tfType.Tensor2D,
      gradFunc: (dy: tfType.Tensor) => [
        tf.engine().runKernel(SCATTER_ADD, { dy, bits: batch.bits, rows: batch.rowOfEntry }, { dim }) as tfType.Tensor2D,
      ],
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(weights) as tfType.Tensor2D;
  }
  const op = tf.customGrad(((w: tfType.Tensor2D) => {
    let value = batch.entries > 0 ? (tf.sparse.sparseSegmentSum(w, batch.bits, batch.rowOfEntry) as tfType.Tensor2D) : tf.zeros([0, width]);
    // SparseSegmentSum stops at the last non-empty row; rows without set bits at the end are zeros.
    if (value.shape[0] < batch.size) value = tf.pad(value, [[0, batch.size - value.shape[0]], [0, 0]]);
    return {
      value,
      gradFunc: (dy: tfType.Tensor) => {
        const padded = tf.concat([dy as tfType.Tensor2D, tf.zeros([1, width])], 0);
        return [tf.sparse.sparseSegmentSum(padded, batch.gradRows!, batch.gradBits!) as tfType.Tensor2D];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const out = op(weights) as tfType.Tensor2D;
  if (out.shape[1] !== width || weights.shape[0] !== dim) throw new Error('sparseMatMul: shape mismatch');
  return out;
}

export function disposeSparseBatch(tf: typeof tfType, batch: SparseBatch): void {
  tf.dispose([batch.bits, batch.rowOfEntry, ...(batch.gradRows ? [batch.gradRows, batch.gradBits!] : [])]);
}
