// mtlc's own tfjs kernels for the wasm and cpu backends: the sparse first layer's gather-add and scatter-add,
// and a fused Adam update. On wasm they run in a SIMD module working on the backend's heap; on cpu, in
// plain loops over the backend's arrays. Other backends keep the stock-op paths.
import type * as tfType from '@tensorflow/tfjs';
import { instantiateSimdKernels, type SimdKernels } from './simd-module.ts';
import { rngFromState, type Rng } from '../../stats/rng.ts';

export const GATHER_ADD = 'MtlcSparseGatherAdd';
export const GATHER_ADD_BY_BIT = 'MtlcSparseGatherAddByBit';
export const SCATTER_ADD = 'MtlcSparseScatterAdd';
export const ADAM = 'MtlcAdam';
export const DROPOUT_MASKS = 'MtlcDropoutMasks';
export const DENSE = 'MtlcDense';
export const DENSE_GRAD = 'MtlcDenseGrad';
export const ACTIVATION = 'MtlcActivation';
export const ACTIVATION_GRAD = 'MtlcActivationGrad';

type Info = { dataId: object; shape: number[]; dtype: string };
type Args = { inputs: Record<string, Info>; backend: any; attrs?: Record<string, any> };

/** A uniform view of one backend's memory: typed arrays of tensors and fresh outputs. */
interface Memory {
  f32(t: Info): Float32Array;
  i32(t: Info): Int32Array;
  /** A new float32 output, zero-filled when asked. */
  output(shape: number[], zero: boolean): Info;
  outputInt32(shape: number[]): Info;
  simd?: SimdKernels;
  offset?(t: Info): number;
}

const simdByBackend = new WeakMap<object, SimdKernels | null>();

function wasmMemory(backend: any): Memory {
  if (!simdByBackend.has(backend)) simdByBackend.set(backend, instantiateSimdKernels(backend.wasm.asm.memory) ?? null);
  const offset = (t: Info) => backend.dataIdMap.get(t.dataId).memoryOffset as number;
  const size = (t: Info) => t.shape.reduce((a, b) => a * b, 1);
  return {
    // Views are taken after every allocation: growing the heap replaces its ArrayBuffer.
    f32: (t) => new Float32Array(backend.wasm.HEAPU8.buffer, offset(t), size(t)),
    i32: (t) => new Int32Array(backend.wasm.HEAPU8.buffer, offset(t), size(t)),
    output: (shape, zero) => {
      const out = backend.makeOutput(shape, 'float32');
      if (zero) {
        const bytes = shape.reduce((a, b) => a * b, 1) * 4;
        backend.wasm.HEAPU8.fill(0, offset(out), offset(out) + bytes);
      }
      return out;
    },
    outputInt32: (shape) => backend.makeOutput(shape, 'int32'),
    simd: simdByBackend.get(backend) ?? undefined,
    offset,
  };
}

function cpuMemory(backend: any): Memory {
  return {
    f32: (t) => backend.data.get(t.dataId).values as Float32Array,
    i32: (t) => backend.data.get(t.dataId).values as Int32Array,
    output: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
    outputInt32: (shape) => backend.makeTensorInfo(shape, 'int32', new Int32Array(shape.reduce((a, b) => a * b, 1))),
  };
}

/** dst[dstIndex[p], :] += src[srcIndex[p], :] for every entry p (rows of `width` floats). */
function indexAdd(mem: Memory, dst: Info, src: Info, dstIndex: Info, srcIndex: Info, width: number): void {
  const count = dstIndex.shape[0];
  if (mem.simd && mem.offset && width % 4 === 0) {
    mem.simd.indexAdd(mem.offset(dst), mem.offset(src), mem.offset(dstIndex), mem.offset(srcIndex), count, width * 4);
    return;
  }
  const out = mem.f32(dst);
  const from = mem.f32(src);
  const di = mem.i32(dstIndex);
  const si = mem.i32(srcIndex);
  for (let p = 0; p < count; p++) {
    const d = di[p] * width;
    const s = si[p] * width;
    for (let h = 0; h < width; h++) out[d + h] += from[s + h];
  }
}

/** out[r] = Σ weights[bits[p]] over the entries p of row r (rows ascending), summed from zero in entry order. */
function gatherAdd(mem: Memory, { inputs, attrs }: Args): Info {
  const { weights, bits, rows } = inputs;
  const width = weights.shape[1];
  const batchSize = attrs!.batchSize as number;
  if (mem.simd && mem.offset && width % 4 === 0) {
    const out = mem.output([batchSize, width], false);
    const o = mem.offset;
    mem.simd.gatherAdd(o(out), o(weights), o(bits), o(rows), bits.shape[0], batchSize, width * 4);
    return out;
  }
  const out = mem.output([batchSize, width], true);
  indexAdd(mem, out, weights, rows, bits, width);
  return out;
}

/** The stacked first layer's forward from the backward's CSC lists (see SparseBackward.byBit): the same sums. */
function gatherAddByBit(mem: Memory, { inputs, attrs }: Args): Info {
  const { weights, entryRows, bitStarts } = inputs;
  const width = weights.shape[1];
  const { slots, rows } = attrs as { slots: number; rows: number };
  const bitsPerSlot = weights.shape[0] / slots;
  if (mem.simd && mem.offset && width % 4 === 0) {
    const out = mem.output([rows, width], false);
    const o = mem.offset;
    mem.simd.gatherAddByBit(o(out), o(weights), o(entryRows), o(bitStarts), slots, bitsPerSlot, rows, width * 4);
    return out;
  }
  const out = mem.output([rows, width], true);
  const y = mem.f32(out);
  const w = mem.f32(weights);
  const er = mem.i32(entryRows);
  const starts = mem.i32(bitStarts);
  for (let s = 0; s < slots; s++) {
    for (let j = 0; j < bitsPerSlot; j++) {
      const src = (s * bitsPerSlot + j) * width;
      for (let e = starts[s * (bitsPerSlot + 1) + j]; e < starts[s * (bitsPerSlot + 1) + j + 1]; e++) {
        const dst = er[e] * width;
        for (let h = 0; h < width; h++) y[dst + h] += w[src + h];
      }
    }
  }
  return out;
}

function scatterAdd(mem: Memory, { inputs, attrs }: Args): Info {
  const { dy, bits, rows } = inputs;
  const width = dy.shape[1];
  const out = mem.output([attrs!.dim as number, width], true);
  indexAdd(mem, out, dy, bits, rows, width);
  return out;
}

/** One slot's Adam factors at its own step t (stepSize = lr/(1 − β₁ᵗ), vCorrection = 1/(1 − β₂ᵗ)); null: the slot
 * does not step (w, m, v pass through). */
export type AdamSlot = { stepSize: number; vCorrection: number } | null;

/** Dropout's rule for one 32-bit word: two values, its high then its low 16 bits h, each kept when h < ⌈keep·2¹⁶⌉. */
function dropoutThreshold(keep: number): number {
  return Math.ceil(keep * 65536);
}

/** The host's draws of the dropout kernel: `count` values into out[at…] from `rng`, one 32-bit word per two. */
function drawDropout(out: Float32Array, at: number, count: number, rng: Rng, keep: number): void {
  const threshold = dropoutThreshold(keep);
  const scale = Math.fround(1 / keep);
  for (let i = 0; i < count; i += 2) {
    const word = rng.int();
    out[at + i] = word >>> 16 < threshold ? scale : 0;
    if (i + 1 < count) out[at + i + 1] = (word & 0xffff) < threshold ? scale : 0;
  }
}

/**
 * Inverted-dropout masks [P, B, W] (input `states` [P, 4]: each slot's SFC32 words; input `counts` [P]: the values
 * slot s draws, the rest of its B·W are 0). Outputs the masks and the advanced states.
 */
function dropoutMasksKernel(mem: Memory, { inputs, attrs }: Args): Info[] {
  const { states, counts } = inputs;
  const { shape, keep } = attrs as { shape: [number, number, number]; keep: number };
  const [P, B, W] = shape;
  const out = mem.output(shape, false);
  const next = mem.outputInt32([P, 4]);
  mem.i32(next).set(mem.i32(states));
  if (mem.simd && mem.offset) {
    mem.simd.dropoutMasks(mem.offset(out), mem.offset(next), mem.offset(counts), P, B * W, dropoutThreshold(keep), Math.fround(1 / keep));
    return [out, next];
  }
  const values = mem.f32(out);
  const words = mem.i32(next);
  const n = mem.i32(counts);
  values.fill(0, 0, P * B * W);
  for (let s = 0; s < P; s++) {
    const rng = rngFromState(words.subarray(4 * s, 4 * s + 4));
    drawDropout(values, s * B * W, n[s], rng, keep);
    words.set(rng.state, 4 * s);
  }
  return [out, next];
}

/** Shapes of a dense layer over S slots: x [S, B, I], w [S, I, O]. */
function denseShape(x: Info, w: Info): { S: number; B: number; I: number; O: number } {
  const [S, B, I] = x.shape;
  const O = w.shape[2];
  if (w.shape[0] !== S || w.shape[1] !== I) throw new Error(`MtlcDense: x [${x.shape}] and w [${w.shape}] do not fit`);
  return { S, B, I, O };
}

/** z = x·W + c per slot (input `wt`: W transposed [S, O, I], which a layer with few outputs sums along). The cpu
 * loops keep float32 at every step but sum in their own order. */
function dense(mem: Memory, { inputs }: Args): Info {
  const { x, w, wt, c } = inputs;
  const { S, B, I, O } = denseShape(x, w);
  const z = mem.output([S, B, O], false);
  if (mem.simd && mem.offset) {
    const o = mem.offset;
    mem.simd.denseForward(o(z), o(x), o(w), o(wt), o(c), S, B, I, O);
    return z;
  }
  const [X, W, C, Z] = [x, w, c, z].map((t) => mem.f32(t));
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < O; k++) {
        let acc = 0;
        for (let i = 0; i < I; i++) acc = Math.fround(acc + Math.fround(X[(s * B + b) * I + i] * W[(s * I + i) * O + k]));
        Z[(s * B + b) * O + k] = acc + C[s * O + k];
      }
    }
  }
  return z;
}

/** The dense layer's gradients from dz; input `wt` is W transposed [S, O, I] (the dx sums read it row by row). */
function denseGrad(mem: Memory, { inputs }: Args): Info[] {
  const { x, wt, dz } = inputs;
  const [S, B, I] = x.shape;
  const O = wt.shape[1];
  if (wt.shape[0] !== S || wt.shape[2] !== I) throw new Error(`MtlcDenseGrad: x [${x.shape}] and wᵀ [${wt.shape}] do not fit`);
  const dx = mem.output([S, B, I], false);
  const dw = mem.output([S, I, O], false);
  const dc = mem.output([S, O], false);
  if (mem.simd && mem.offset) {
    const o = mem.offset;
    mem.simd.denseBackward(o(dx), o(dw), o(dc), o(x), o(wt), o(dz), S, B, I, O);
    return [dx, dw, dc];
  }
  const [X, WT, DZ, DX, DW, DC] = [x, wt, dz, dx, dw, dc].map((t) => mem.f32(t));
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < I; i++) {
        let acc = 0;
        for (let k = 0; k < O; k++) acc = Math.fround(acc + Math.fround(DZ[(s * B + b) * O + k] * WT[(s * O + k) * I + i]));
        DX[(s * B + b) * I + i] = acc;
      }
    }
    for (let i = 0; i < I; i++) {
      for (let k = 0; k < O; k++) {
        let acc = 0;
        for (let b = 0; b < B; b++) acc = Math.fround(acc + Math.fround(X[(s * B + b) * I + i] * DZ[(s * B + b) * O + k]));
        DW[(s * I + i) * O + k] = acc;
      }
    }
    for (let k = 0; k < O; k++) {
      let acc = 0;
      for (let b = 0; b < B; b++) acc = Math.fround(acc + DZ[(s * B + b) * O + k]);
      DC[s * O + k] = acc;
    }
  }
  return [dx, dw, dc];
}

/** h = ReLU(a + c[s]) ⊙ mask over S slots of a [S, B, H]; attrs say whether inputs `c` and `mask` count. */
function activation(mem: Memory, { inputs, attrs }: Args): Info {
  const { a, c, mask } = inputs;
  const [S, B, H] = a.shape;
  const masked = Boolean(attrs?.masked);
  const biased = Boolean(attrs?.biased);
  const h = mem.output([S, B, H], false);
  if (mem.simd && mem.offset && H % 4 === 0) {
    const o = mem.offset;
    mem.simd.activationForward(o(h), o(a), biased ? o(c) : 0, masked ? o(mask) : 0, S, B, H);
    return h;
  }
  const [A, C, M, OUT] = [a, c, mask, h].map((t) => mem.f32(t));
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (s * B + b) * H + j;
        const y = Math.max(biased ? Math.fround(A[at] + C[s * H + j]) : A[at], 0);
        OUT[at] = masked ? y * M[at] : y;
      }
    }
  }
  return h;
}

function activationGrad(mem: Memory, { inputs, attrs }: Args): Info[] {
  const { a, c, mask, dh } = inputs;
  const [S, B, H] = a.shape;
  const masked = Boolean(attrs?.masked);
  const biased = Boolean(attrs?.biased);
  const da = mem.output([S, B, H], false);
  const dc = mem.output([S, H], true);
  if (mem.simd && mem.offset && H % 4 === 0) {
    const o = mem.offset;
    mem.simd.activationBackward(o(da), biased ? o(dc) : 0, o(a), biased ? o(c) : 0, masked ? o(mask) : 0, o(dh), S, B, H);
    return [da, dc];
  }
  const [A, C, M, DH, DA, DC] = [a, c, mask, dh, da, dc].map((t) => mem.f32(t));
  DC.fill(0, 0, S * H);
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (s * B + b) * H + j;
        const g = masked ? Math.fround(DH[at] * M[at]) : DH[at];
        const open = (biased ? Math.fround(A[at] + C[s * H + j]) : A[at]) > 0 ? 1 : 0;
        DA[at] = g * open;
        DC[s * H + j] = Math.fround(DC[s * H + j] + DA[at]);
      }
    }
  }
  return [da, dc];
}

export type AdamAttrs = { beta1: number; beta2: number; epsilon: number; slots: AdamSlot[] };

/**
 * Adam over a variable of `slots.length` equal slots (one per point of a stacked network; a single network is
 * one slot): slot s covers elements [s·n/S, (s+1)·n/S) and steps with its own factors. Each slot runs exactly as
 * a variable of its size alone would (SIMD over its first ⌊n/4⌋·4 elements, the rest in a scalar loop). New
 * buffers: snapshots that share the old ones (TAG, the snapshot branches) stay valid.
 */
function adam(mem: Memory, { inputs, attrs }: Args): Info[] {
  const { w, m, v, g } = inputs;
  const { beta1, beta2, epsilon, slots } = attrs as AdamAttrs;
  const n = w.shape.reduce((a, b) => a * b, 1);
  const per = n / slots.length;
  if (!Number.isInteger(per)) throw new Error(`MtlcAdam: ${n} elements do not split into ${slots.length} slots`);
  const wOut = mem.output(w.shape, false);
  const mOut = mem.output(w.shape, false);
  const vOut = mem.output(w.shape, false);
  slots.forEach((slot, s) => {
    const from = s * per;
    const to = from + per;
    if (!slot) {
      for (const [src, dst] of [[w, wOut], [m, mOut], [v, vOut]]) mem.f32(dst).set(mem.f32(src).subarray(from, to), from);
      return;
    }
    const { stepSize, vCorrection } = slot;
    let done = from;
    if (mem.simd && mem.offset) {
      done = from + per - (per % 4);
      const o = (t: Info) => mem.offset!(t) + from * 4;
      mem.simd.adam(o(w), o(m), o(v), o(g), o(wOut), o(mOut), o(vOut), (done - from) * 4, beta1, beta2, stepSize, vCorrection, epsilon);
    }
    if (done < to) {
      const [W, M, V, G, WO, MO, VO] = [w, m, v, g, wOut, mOut, vOut].map((t) => mem.f32(t));
      for (let i = done; i < to; i++) {
        const mi = Math.fround(beta1 * M[i] + (1 - beta1) * G[i]);
        const vi = Math.fround(beta2 * V[i] + (1 - beta2) * G[i] * G[i]);
        MO[i] = mi;
        VO[i] = vi;
        WO[i] = W[i] - (stepSize * mi) / (Math.sqrt(vi * vCorrection) + epsilon);
      }
    }
  });
  return [wOut, mOut, vOut];
}

const MEMORY_OF: Record<string, (backend: any) => Memory> = { wasm: wasmMemory, cpu: cpuMemory };

const installed = new WeakSet<object>();

/** Registers the kernels for the wasm and cpu backends (once per tfjs instance). */
export function installMtlcKernels(tf: typeof tfType): void {
  if (installed.has(tf.engine())) return;
  installed.add(tf.engine());
  for (const [backendName, memoryOf] of Object.entries(MEMORY_OF)) {
    const kernels: [string, (mem: Memory, args: Args) => Info | Info[]][] = [
      [GATHER_ADD, gatherAdd],
      [GATHER_ADD_BY_BIT, gatherAddByBit],
      [SCATTER_ADD, scatterAdd],
      [ADAM, adam],
      [DROPOUT_MASKS, dropoutMasksKernel],
      [DENSE, dense],
      [DENSE_GRAD, denseGrad],
      [ACTIVATION, activation],
      [ACTIVATION_GRAD, activationGrad],
    ];
    for (const [kernelName, impl] of kernels) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({ kernelName, backendName, kernelFunc: ((args: Args) => impl(memoryOf(args.backend), args)) as any });
    }
  }
}

/** Whether the current backend has mtlc's kernels. */
export function hasMtlcKernels(tf: typeof tfType): boolean {
  return tf.getKernel(ADAM, tf.getBackend()) !== undefined;
}

/** A sparse first layer's backward lists, CSC: for slot s, the entries of bit j are entryRows[bitStarts[s·(D+1) + j]
 * … bitStarts[s·(D+1) + j + 1]) (rows of dy, ascending); the kernel rows Adam visits are
 * updateRows[updateStarts[s] … updateStarts[s + 1]) — every bit the slot's point has met so far (the rows of the
 * others still have m = v = 0 and g = 0, so Adam would leave them as they are). */
export interface SparseBackward {
  entryRows: tfType.Tensor;
  bitStarts: tfType.Tensor;
  updateRows: tfType.Tensor;
  updateStarts: readonly number[];
  /** Every row's entries ascend by bit (a fingerprint's do): the forward may then sum bit by bit from these lists
   * (GATHER_ADD_BY_BIT: each weight row read once) and get the row-by-row gather's bits. */
  byBit: boolean;
}

/**
 * The first layer's weight gradient (the scatter-add of dy) fused with its Adam step, in place on the stacked
 * kernel w [P, D, H] and its moments — the dense gradient is never written. Only with the SIMD kernels (wasm) and
 * H % 4 == 0, where it gives the bits of scatter-add then Adam; false otherwise (the caller takes that path).
 */
export function sparseAdamInPlace(tf: typeof tfType, w: tfType.Tensor, m: tfType.Tensor, v: tfType.Tensor, dy: tfType.Tensor, lists: SparseBackward, attrs: AdamAttrs): boolean {
  if (tf.getBackend() !== 'wasm' || !hasMtlcKernels(tf)) return false;
  const mem = wasmMemory(tf.backend());
  const [P, D, H] = w.shape;
  if (!mem.simd || !mem.offset || H % 4 !== 0 || attrs.slots.length !== P) return false;
  const o = mem.offset;
  const slotBytes = D * H * 4;
  attrs.slots.forEach((slot, s) => {
    if (!slot) return;
    const at = s * slotBytes;
    const first = lists.updateStarts[s];
    mem.simd!.sparseAdam(o(w) + at, o(m) + at, o(v) + at, o(dy), o(lists.entryRows), o(lists.bitStarts) + s * (D + 1) * 4,
      o(lists.updateRows) + first * 4, lists.updateStarts[s + 1] - first, H * 4, attrs.beta1, attrs.beta2, slot.stepSize, slot.vCorrection, attrs.epsilon);
  });
  return true;
}

/**
 * Writes `values` over slot `slot` of a stacked tensor (its elements [slot·n/P, (slot+1)·n/P)) where it lies; false
 * where the backend's memory is not reachable (tfjs-node). Only for tensors no matMul reads as weights (see
 * StackedNetwork): moments, and the sparse first layer's kernel.
 */
export function writeSlotInPlace(tf: typeof tfType, t: tfType.Tensor, slot: number, values: Float32Array | number): boolean {
  const memoryOf = MEMORY_OF[tf.getBackend()];
  if (!memoryOf) return false;
  const per = t.size / t.shape[0];
  const view = memoryOf(tf.backend()).f32(t as unknown as Info);
  if (typeof values === 'number') view.fill(values, slot * per, (slot + 1) * per);
  else {
    if (values.length !== per) throw new Error(`slot of ${per} values written with ${values.length}`);
    view.set(values, slot * per);
  }
  return true;
}

/** Whether `sparseAdamInPlace` runs on this backend. */
export function hasSparseAdam(tf: typeof tfType): boolean {
  return tf.getBackend() === 'wasm' && hasMtlcKernels(tf) && Boolean(wasmMemory(tf.backend()).simd);
}

/**
 * Inverted-dropout masks [P, B, width] for P slots, slot s drawn from rngs[s] (its stream advances one 32-bit word
 * per two values): for its first rows[s] rows, 1/keep where the 16-bit half is below ⌈keep·2¹⁶⌉, keep = 1 − rate,
 * else 0; its other rows (and a slot without an rng) 0. mtlc's kernel where the backend has it; else the same
 * draws on the host. A single network is P = 1.
 */
export function dropoutMasks(tf: typeof tfType, rngs: readonly (Rng | null)[], rows: readonly number[], B: number, width: number, rate: number): tfType.Tensor3D {
  const keep = 1 - rate;
  const P = rngs.length;
  const counts = rngs.map((rng, s) => (rng ? rows[s] * width : 0));
  if (tf.getKernel(DROPOUT_MASKS, tf.getBackend())) {
    const stateWords = new Int32Array(P * 4);
    rngs.forEach((rng, s) => rng && stateWords.set(rng.state, 4 * s));
    const states = tf.tensor2d(stateWords, [P, 4], 'int32');
    const countTensor = tf.tensor1d(counts, 'int32');
    const [mask, next] = tf.engine().runKernel(DROPOUT_MASKS, { states, counts: countTensor }, { shape: [P, B, width], keep } as never) as tfType.Tensor[];
    const advanced = next.dataSync() as Int32Array;
    rngs.forEach((rng, s) => rng?.state.set(advanced.subarray(4 * s, 4 * s + 4)));
    tf.dispose([states, countTensor, next]);
    return mask as tfType.Tensor3D;
  }
  const values = new Float32Array(P * B * width);
  rngs.forEach((rng, s) => rng && drawDropout(values, s * B * width, counts[s], rng, keep));
  return tf.tensor3d(values, [P, B, width]);
}
