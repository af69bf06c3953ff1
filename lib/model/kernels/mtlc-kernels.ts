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

function adam(mem: Memory, { inputs, attrs }: Args): Info[] {
  const { w, m, v, g } = inputs;
  const { beta1, beta2, stepSize, vCorrection, epsilon } = attrs as Record<string, number>;
  const n = w.shape.reduce((a, b) => a * b, 1);
  const wOut = mem.output(w.shape, false);
  const mOut = mem.output(w.shape, false);
  const vOut = mem.output(w.shape, false);
  let done = 0;
  if (mem.simd && mem.offset) {
    done = n - (n % 4);
    const o = mem.offset;
    mem.simd.adam(o(w), o(m), o(v), o(g), o(wOut), o(mOut), o(vOut), done * 4, beta1, beta2, stepSize, vCorrection, epsilon);
  }
  if (done < n) {
    const [W, M, V, G, WO, MO, VO] = [w, m, v, g, wOut, mOut, vOut].map((t) => mem.f32(t));
    for (let i = done; i < n; i++) {
      const mi = Math.fround(beta1 * M[i] + (1 - beta1) * G[i]);
      const vi = Math.fround(beta2 * V[i] + (1 - beta2) * G[i] * G[i]);
      MO[i] = mi;
      VO[i] = vi;
      WO[i] = W[i] - (stepSize * mi) / (Math.sqrt(vi * vCorrection) + epsilon);
    }
  }
  return [wOut, mOut, vOut];
}

const installed = new WeakSet<object>();

/** Registers the kernels for the wasm and cpu backends (once per tfjs instance). */
export function installMtlcKernels(tf: typeof tfType): void {
  if (installed.has(tf.engine())) return;
  installed.add(tf.engine());
  const backends: [string, (backend: any) => Memory][] = [
    ['wasm', wasmMemory],
    ['cpu', cpuMemory],
  ];
  for (const [backendName, memoryOf] of backends) {
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
