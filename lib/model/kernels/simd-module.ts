// mtlc's numeric kernels as a small WebAssembly SIMD module that imports the tfjs wasm backend's memory, so
// it reads and writes tensors where they live (no copies): a row-wise index-add (the sparse first layer's
// gather-add forward and scatter-add backward) and a fused Adam update.
import { assembleModule, F32, I32, V128, op, type WasmFunction } from './wasm-asm.ts';

/**
 * indexAdd(dst, src, dstIndex, srcIndex, count, rowBytes):
 *   for p < count: dst[dstIndex[p]] += src[srcIndex[p]]   (rows of rowBytes bytes, rowBytes % 16 == 0)
 */
function indexAdd(): WasmFunction {
  // params 0 dst, 1 src, 2 dstIndex, 3 srcIndex, 4 count, 5 rowBytes; locals 6 p, 7 pEnd, 8 d, 9 s, 10 h
  const [dst, src, dstIndex, srcIndex, count, rowBytes, p, pEnd, d, s, h] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return {
    name: 'indexAdd',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32],
    body: [
      op.get(count), op.i32(2), op.i32Shl, op.set(pEnd),
      op.i32(0), op.set(p),
      op.block, op.loop,
      op.get(p), op.get(pEnd), op.i32GeU, op.brIf(1),
      op.get(dst), op.get(dstIndex), op.get(p), op.i32Add, op.i32Load(), op.get(rowBytes), op.i32Mul, op.i32Add, op.set(d),
      op.get(src), op.get(srcIndex), op.get(p), op.i32Add, op.i32Load(), op.get(rowBytes), op.i32Mul, op.i32Add, op.set(s),
      op.i32(0), op.set(h),
      op.block, op.loop,
      op.get(h), op.get(rowBytes), op.i32GeU, op.brIf(1),
      op.get(d), op.get(h), op.i32Add,
      op.get(d), op.get(h), op.i32Add, op.v128Load(),
      op.get(s), op.get(h), op.i32Add, op.v128Load(),
      op.f32x4Add,
      op.v128Store(),
      op.get(h), op.i32(16), op.i32Add, op.set(h),
      op.br(0),
      op.end, op.end,
      op.get(p), op.i32(4), op.i32Add, op.set(p),
      op.br(0),
      op.end, op.end,
    ],
  };
}

/**
 * adam(w, m, v, g, wOut, mOut, vOut, bytes, β₁, β₂, stepSize, vCorrection, ε), bytes % 16 == 0:
 *   m' = β₁m + (1−β₁)g;  v' = β₂v + (1−β₂)g²;  w' = w − stepSize·m' / (√(v'·vCorrection) + ε)
 */
function adam(): WasmFunction {
  const [w, m, v, g, wOut, mOut, vOut, bytes, b1, b2, stepSize, vCorr, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [i, vb1, v1b1, vb2, v1b2, vStep, vVc, vEps, gv, mv, vv] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const splat = (from: number[], to: number) => [...from, op.f32x4Splat, op.set(to)].flat();
  const oneMinus = (x: number) => [0x43, ...new Uint8Array(new Float32Array([1]).buffer), ...op.get(x), 0x93]; // f32.const 1; f32.sub
  const at = (base: number) => [op.get(base), op.get(i), op.i32Add].flat();
  return {
    name: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32],
    locals: [I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128],
    body: [
      splat(op.get(b1), vb1), splat(oneMinus(b1), v1b1), splat(op.get(b2), vb2), splat(oneMinus(b2), v1b2),
      splat(op.get(stepSize), vStep), splat(op.get(vCorr), vVc), splat(op.get(eps), vEps),
      op.i32(0), op.set(i),
      op.block, op.loop,
      op.get(i), op.get(bytes), op.i32GeU, op.brIf(1),
      at(g), op.v128Load(), op.set(gv),
      // m' = β₁m + (1−β₁)g
      at(m), op.v128Load(), op.get(vb1), op.f32x4Mul, op.get(gv), op.get(v1b1), op.f32x4Mul, op.f32x4Add, op.set(mv),
      // v' = β₂v + (1−β₂)g²
      at(v), op.v128Load(), op.get(vb2), op.f32x4Mul, op.get(gv), op.get(gv), op.f32x4Mul, op.get(v1b2), op.f32x4Mul, op.f32x4Add, op.set(vv),
      at(mOut), op.get(mv), op.v128Store(),
      at(vOut), op.get(vv), op.v128Store(),
      // w' = w − stepSize·m' / (√(v'·vCorrection) + ε)
      at(wOut),
      at(w), op.v128Load(),
      op.get(mv), op.get(vStep), op.f32x4Mul,
      op.get(vv), op.get(vVc), op.f32x4Mul, op.f32x4Sqrt, op.get(vEps), op.f32x4Add,
      op.f32x4Div, op.f32x4Sub,
      op.v128Store(),
      op.get(i), op.i32(16), op.i32Add, op.set(i),
      op.br(0),
      op.end, op.end,
    ],
  };
}

export interface SimdKernels {
  indexAdd(dst: number, src: number, dstIndex: number, srcIndex: number, count: number, rowBytes: number): void;
  adam(w: number, m: number, v: number, g: number, wOut: number, mOut: number, vOut: number, bytes: number,
    beta1: number, beta2: number, stepSize: number, vCorrection: number, epsilon: number): void;
}

// The project's TypeScript lib has no WebAssembly declarations; these are the two constructors used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** Instantiates the kernels on a memory (a WebAssembly.Memory: the tfjs wasm backend's); undefined when the engine lacks SIMD. */
export function instantiateSimdKernels(memory: object): SimdKernels | undefined {
  try {
    compiled ??= new wasmApi.Module(assembleModule([indexAdd(), adam()]));
    const instance = new wasmApi.Instance(compiled, { env: { memory } });
    return instance.exports as SimdKernels;
  } catch {
    return undefined;
  }
}
