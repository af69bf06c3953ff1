// mtlc's own tfjs kernels for the wasm and cpu backends: the sparse first layer's gather-add and scatter-add,
// and a fused Adam update. On wasm they run in a SIMD module working on the backend's heap; on cpu, in
// plain loops over the backend's arrays. Other backends keep the stock-op paths.
import type * as tfType from '@tensorflow/tfjs';
import { instantiateSimdKernels, type SimdKernels } from './simd-module.ts';

export const GATHER_ADD = 'MtlcSparseGatherAdd';
export const SCATTER_ADD = 'MtlcSparseScatterAdd';
export const ADAM = 'MtlcAdam';

type Info = { dataId: object; shape: number[]; dtype: string };
type Args = { inputs: Record<string, Info>; backend: any; attrs?: Record<string, any> };

/** A uniform view of one backend's memory: typed arrays of tensors and fresh outputs. */
interface Memory {
  f32(t: Info): Float32Array;
  i32(t: Info): Int32Array;
  /** A new float32 output, zero-filled when asked. */
  output(shape: number[], zero: boolean): Info;
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
    simd: simdByBackend.get(backend) ?? undefined,
    offset,
  };
}

function cpuMemory(backend: any): Memory {
  return {
    f32: (t) => backend.data.get(t.dataId).values as Float32Array,
    i32: (t) => backend.data.get(t.dataId).values as Int32Array,
    output: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
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

function gatherAdd(mem: Memory, { inputs, attrs }: Args): Info {
  const { weights, bits, rows } = inputs;
  const width = weights.shape[1];
  const out = mem.output([attrs!.batchSize as number, width], true);
  indexAdd(mem, out, weights, rows, bits, width);
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

/**
 * Adam over a variable of `slots.length` equal slots (one per point of a stacked network; a single network is
 * one slot): slot s covers elements [s·n/S, (s+1)·n/S) and steps with its own factors. Each slot runs exactly as
 * a variable of its size alone would (SIMD over its first ⌊n/4⌋·4 elements, the rest in a scalar loop).
 */
type AdamAttrs = { beta1: number; beta2: number; epsilon: number; slots: AdamSlot[] };

/** The Adam pass of every slot from (w, m, v, g) into (wOut, mOut, vOut), which may be the inputs themselves. */
function adamSlots(mem: Memory, w: Info, m: Info, v: Info, g: Info, wOut: Info, mOut: Info, vOut: Info, attrs: AdamAttrs): void {
  const { beta1, beta2, epsilon, slots } = attrs;
  const n = w.shape.reduce((a, b) => a * b, 1);
  const per = n / slots.length;
  if (!Number.isInteger(per)) throw new Error(`MtlcAdam: ${n} elements do not split into ${slots.length} slots`);
  slots.forEach((slot, s) => {
    const from = s * per;
    const to = from + per;
    if (!slot) {
      if (wOut !== w) for (const [src, dst] of [[w, wOut], [m, mOut], [v, vOut]]) mem.f32(dst).set(mem.f32(src).subarray(from, to), from);
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
}

/**
 * Adam over a variable of `slots.length` equal slots (one per point of a stacked network; a single network is
 * one slot): slot s covers elements [s·n/S, (s+1)·n/S) and steps with its own factors. Each slot runs exactly as
 * a variable of its size alone would (SIMD over its first ⌊n/4⌋·4 elements, the rest in a scalar loop). New
 * buffers: snapshots that share the old ones (TAG, the snapshot branches) stay valid.
 */
function adam(mem: Memory, { inputs, attrs }: Args): Info[] {
  const { w, m, v, g } = inputs;
  const wOut = mem.output(w.shape, false);
  const mOut = mem.output(w.shape, false);
  const vOut = mem.output(w.shape, false);
  adamSlots(mem, w, m, v, g, wOut, mOut, vOut, attrs as AdamAttrs);
  return [wOut, mOut, vOut];
}

const MEMORY_OF: Record<string, (backend: any) => Memory> = { wasm: wasmMemory, cpu: cpuMemory };

/**
 * The same Adam pass, written over w, m and v where they lie (the batched trainer, whose state nothing else
 * shares: no new buffers, so a step touches each weight's state once). False when the backend has no mtlc kernels.
 */
export function adamInPlace(tf: typeof tfType, w: tfType.Tensor, m: tfType.Tensor, v: tfType.Tensor, g: tfType.Tensor, attrs: AdamAttrs): boolean {
  const memoryOf = MEMORY_OF[tf.getBackend()];
  if (!memoryOf || !hasMtlcKernels(tf)) return false;
  const mem = memoryOf(tf.backend());
  adamSlots(mem, w, m, v, g, w, m, v, attrs);
  return true;
}

const installed = new WeakSet<object>();

/** Registers the kernels for the wasm and cpu backends (once per tfjs instance). */
export function installMtlcKernels(tf: typeof tfType): void {
  if (installed.has(tf.engine())) return;
  installed.add(tf.engine());
  for (const [backendName, memoryOf] of Object.entries(MEMORY_OF)) {
    const kernels: [string, (mem: Memory, args: Args) => Info | Info[]][] = [
      [GATHER_ADD, gatherAdd],
      [SCATTER_ADD, scatterAdd],
      [ADAM, adam],
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
