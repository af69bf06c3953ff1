// mtlc's kernels against the stock tfjs computations they replace, on the wasm (SIMD) and cpu backends.
import { describe, expect, it } from 'vitest';
import { Adam, loadBackend, MultiTaskNetwork, TaskData } from '../../lib/model/index.ts';
import { readFileSync } from 'node:fs';
import { compileKernels, compiledModule, COMPILED } from '../../tools/kernels.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { dropoutMasks, GATHER_ADD, GATHER_ADD_BY_BIT } from '../../lib/model/kernels/mtlc-kernels.ts';
import type { Tensor } from '@tensorflow/tfjs';
import { hasMtlcKernels } from '../../lib/model/kernels/mtlc-kernels.ts';
import { plantedData } from './synthetic.ts';

const data = plantedData({ n: 30, dim: 40, tasks: 2, density: 0.1, seed: 5 });
// row 29 without any set bit: the gather-add must still give it a (zero) row
const features = { ...data.features, offsets: Int32Array.from(data.features.offsets) };
features.offsets[30] = features.offsets[29];
features.indices = features.indices.slice(0, features.offsets[30]);
const rows = Int32Array.from({ length: 30 }, (_, i) => i);
const trainRows = { T0: rows, T1: rows.filter((r) => r % 3 !== 0) };

async function lossAndGrads(backend: 'wasm' | 'cpu', sparseInput: boolean, hidden: number[]) {
  const { tf } = await loadBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  expect(hasMtlcKernels(tf)).toBe(true);
  const taskData = new TaskData(tf, features, data.labels, data.tasks, trainRows, { sparseInput });
  const net = new MultiTaskNetwork(tf, { inputDim: 40, hidden, tasks: data.tasks, dropout: 0, learningRate: 0.01, seed: 4 });
  const batch = taskData.batch(rows);
  expect(batch.sparse !== undefined).toBe(sparseInput);
  const { value, grads } = tf.variableGrads(() => net.loss(batch), net.variables);
  const out = { loss: value.dataSync()[0], grads: net.variables.map((v) => Array.from(grads[v.name].dataSync())) };
  tf.dispose([value, ...Object.values(grads)]);
  batch.dispose();
  net.dispose();
  taskData.dispose();
  return out;
}

function expectClose(a: number[][], b: number[][], tol: number) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i].length);
    const worst = Math.max(...row.map((x, j) => Math.abs(x - b[i][j])));
    expect(worst).toBeLessThan(tol);
  });
}

describe('sparse first layer', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const hidden of [[16, 8], [6]]) {
      it(`gives the dense layer's loss and gradients on ${backend} (hidden ${hidden.join(',')})`, async () => {
        const dense = await lossAndGrads(backend, false, hidden);
        const sparse = await lossAndGrads(backend, true, hidden);
        expect(sparse.loss).toBeCloseTo(dense.loss, 6);
        expectClose(sparse.grads, dense.grads, 1e-6);
        // the first layer's gradient is non-zero only on bits present in the batch
        expect(sparse.grads[0].some((x) => x !== 0)).toBe(true);
      });
    }
  }
});

describe('fused Adam', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`matches the stock-op Adam on ${backend} (odd sizes exercise the scalar tail)`, async () => {
      const { tf } = await loadBackend(backend);
      const shape: [number, number] = [7, 5];
      const init = Array.from({ length: 35 }, (_, i) => Math.sin(i));
      const grads = [0, 1, 2].map((s) => tf.tensor2d(init.map((x, i) => Math.cos(i * (s + 1)) * 0.1), shape));
      const run = (fused: boolean) => {
        const w = tf.variable(tf.tensor2d(init, shape), true, `fused-test-${backend}-${fused}`);
        const adam = new Adam(tf, [w], { learningRate: 0.01, fused });
        for (const g of grads) adam.applyGradients({ [w.name]: g });
        const out = Array.from(w.dataSync());
        adam.dispose();
        w.dispose();
        return out;
      };
      expectClose([run(true)], [run(false)], 1e-6);
      tf.dispose(grads);
    });
  }
});

describe('wasm matMul fix', () => {
  it('gives the same products with transposed operands', async () => {
    const { tf } = await loadBackend('wasm');
    const a = tf.tensor2d(Array.from({ length: 12 }, (_, i) => i - 5), [3, 4]);
    const b = tf.tensor2d(Array.from({ length: 8 }, (_, i) => i * 0.5), [4, 2]);
    const reference = tf.matMul(a, b).arraySync();
    expect(tf.matMul(tf.transpose(a), b, true, false).arraySync()).toEqual(reference);
    expect(tf.matMul(a, tf.transpose(b), false, true).arraySync()).toEqual(reference);
    expect(tf.matMul(tf.transpose(a), tf.transpose(b), true, true).arraySync()).toEqual(reference);
  });
});

describe('AssemblyScript kernels', () => {
  it('are checked in as what their source compiles to (npm run build:kernels)', async () => {
    expect(readFileSync(COMPILED, 'utf8')).toBe(compiledModule(await compileKernels()));
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`draw dropout masks from each slot's own stream on ${backend}, which goes on where the kernel left it`, async () => {
      const { tf } = await loadBackend(backend);
      const rate = 0.3;
      const threshold = Math.ceil((1 - rate) * 65536);
      const scale = Math.fround(1 / (1 - rate));
      // Slot 0: 7 of 9 rows (63 values, an odd count), slot 1 idle, slot 2: 9 rows.
      const rngs = [createRng(11), null, createRng(12)];
      const mask = dropoutMasks(tf, rngs, [7, 0, 9], 9, 7, rate);
      const expected = (seed: number, values: number) => {
        const r = createRng(seed);
        const out = new Array<number>(63).fill(0);
        for (let i = 0; i < values; i += 2) {
          const word = r.int();
          out[i] = word >>> 16 < threshold ? scale : 0;
          if (i + 1 < values) out[i + 1] = (word & 0xffff) < threshold ? scale : 0;
        }
        return { out, next: r.next() };
      };
      const values = Array.from(mask.dataSync());
      const a = expected(11, 49);
      const c = expected(12, 63);
      expect(values.slice(0, 63)).toEqual(a.out);
      expect(values.slice(63, 126)).toEqual(new Array(63).fill(0));
      expect(values.slice(126)).toEqual(c.out);
      expect(rngs[0]!.next()).toBe(a.next);
      expect(rngs[2]!.next()).toBe(c.next);
      // About 1 − rate of the drawn values are kept.
      const kept = values.slice(126).filter((v) => v > 0).length / 63;
      expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.2);
      mask.dispose();
    });

    it(`draw four slots' masks side by side on ${backend} as each slot alone (streams in the lanes of a vector)`, async () => {
      const { tf } = await loadBackend(backend);
      const rate = 0.5;
      const threshold = Math.ceil((1 - rate) * 65536);
      const scale = Math.fround(1 / (1 - rate));
      // Six slots: the first four side by side up to the shortest one's words (49 values: 24 words), then each
      // alone (odd and even counts); then two more alone (one idle).
      const rows = [9, 7, 8, 9, 5, 0];
      const rngs = rows.map((n, s) => (n > 0 ? createRng(30 + s) : null));
      const mask = dropoutMasks(tf, rngs, rows, 9, 7, rate);
      const values = Array.from(mask.dataSync());
      rows.forEach((n, s) => {
        const r = createRng(30 + s);
        const out = new Array<number>(63).fill(0);
        for (let i = 0; i < n * 7; i += 2) {
          const word = r.int();
          out[i] = word >>> 16 < threshold ? scale : 0;
          if (i + 1 < n * 7) out[i + 1] = (word & 0xffff) < threshold ? scale : 0;
        }
        expect(values.slice(63 * s, 63 * (s + 1))).toEqual(out);
        if (n > 0) expect(rngs[s]!.next()).toBe(r.next());
      });
      mask.dispose();
    });
  }
});

describe('the stacked first layer by bit', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives the row-by-row gather's bits on ${backend} from the backward's lists, and is not used for rows out of order`, async () => {
      const { tf } = await loadBackend(backend);
      const { ProgramFeatures } = await import('../../lib/model/batched.ts');
      const data = plantedData({ n: 120, dim: 64, tasks: 2 });
      const program = new ProgramFeatures(tf, data.features, true);
      // Three slots: 20 rows, 13 rows, and an idle one (padding rows stay zero).
      const rows = [Int32Array.from({ length: 20 }, (_, i) => 3 * i), Int32Array.from({ length: 13 }, (_, i) => 100 - 7 * i), new Int32Array(0)];
      const { input, dispose } = program.batch(rows, 3, 64, true);
      const lists = input.backward!;
      expect(lists.byBit).toBe(true);
      const w = tf.tensor2d(Array.from({ length: 3 * 64 * 8 }, (_, i) => Math.sin(7 * i) / 3), [3 * 64, 8]);
      const byRow = tf.engine().runKernel(GATHER_ADD, { weights: w, bits: input.sparse!.bits, rows: input.sparse!.rowOfEntry }, { batchSize: input.sparse!.size }) as Tensor;
      const byBit = tf.engine().runKernel(GATHER_ADD_BY_BIT, { weights: w, entryRows: lists.entryRows, bitStarts: lists.bitStarts }, { slots: 3, rows: input.sparse!.size }) as Tensor;
      const a = byRow.dataSync(), b = byBit.dataSync();
      expect(b.length).toBe(a.length);
      expect(Array.from(b).every((x, i) => Object.is(x, a[i]))).toBe(true);
      expect(Array.from(b.subarray(2 * 20 * 8)).every((x) => x === 0)).toBe(true);
      tf.dispose([w, byRow, byBit]);
      dispose();
      // A CSR row out of bit order: the by-bit sums would come in another order, so the lists say no.
      const swapped = { ...data.features, indices: data.features.indices.slice() };
      const from = swapped.offsets[5];
      [swapped.indices[from], swapped.indices[from + 1]] = [swapped.indices[from + 1], swapped.indices[from]];
      const other = new ProgramFeatures(tf, swapped, true).batch([Int32Array.of(5)], 1, 64, true);
      expect(other.input.backward!.byBit).toBe(false);
      other.dispose();
    });
  }
});

describe('sparse first layer on the stock-op path (backends without mtlc kernels)', () => {
  it('gives the same product and weight gradient with SparseSegmentSum and CSC lists', async () => {
    const { tf } = await loadBackend('wasm');
    const { uploadSparseBatch, sparseMatMul, disposeSparseBatch, sparseBatchIndexes } = await import('../../lib/model/sparse.ts');
    const w = tf.tensor2d(Array.from({ length: 40 * 8 }, (_, i) => Math.sin(i)), [40, 8]);
    const dy = tf.tensor2d(Array.from({ length: 30 * 8 }, (_, i) => Math.cos(i)), [30, 8]);
    const run = (useKernels: boolean) => {
      const batch = uploadSparseBatch(tf, features.offsets, features.indices, 40, rows, useKernels);
      expect(batch.gradRows !== undefined).toBe(!useKernels);
      const { value, grads } = tf.valueAndGrads((x) => tf.sum(tf.mul(sparseMatMul(tf, batch, x as typeof w), dy)))([w]);
      const out = { value: Array.from(value.dataSync()), grad: Array.from(grads[0].dataSync()) };
      tf.dispose([value, ...grads]);
      disposeSparseBatch(tf, batch);
      return out;
    };
    const stock = run(false);
    const kernels = run(true);
    expect(stock.value[0]).toBeCloseTo(kernels.value[0], 3);
    expectClose([stock.grad], [kernels.grad], 1e-5);
    // hand check of the CSC lists: every entry appears once, grouped by bit, plus the terminal entry
    const ix = sparseBatchIndexes(features.offsets, features.indices, 40, rows);
    expect(ix.gradBits.length).toBe(ix.bits.length + 1);
    expect(Array.from(ix.gradBits.subarray(0, -1))).toEqual([...ix.bits].sort((a, b) => a - b));
    expect(ix.gradRows[ix.bits.length]).toBe(30);
    tf.dispose([w, dy]);
  });
});
