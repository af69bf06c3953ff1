// mtlc's SIMD kernels (AssemblyScript source: assembly/index.ts, built into compiled.ts by `npm run
// build:kernels`), instantiated on the tfjs wasm backend's memory so that they read and write tensors where
// they live. Every argument named as a buffer is a byte offset into that memory.
import { KERNELS_WASM } from './compiled.ts';

export interface SimdKernels {
  gatherAdd(out: number, weights: number, bits: number, rowOfEntry: number, entries: number, rows: number, rowBytes: number): void;
  gatherAddByBit(out: number, weights: number, entryRows: number, bitStarts: number, slots: number, bitsPerSlot: number, rows: number, rowBytes: number): void;
  indexAdd(dst: number, src: number, dstIndex: number, srcIndex: number, count: number, rowBytes: number): void;
  adam(w: number, m: number, v: number, g: number, wOut: number, mOut: number, vOut: number, bytes: number,
    beta1: number, beta2: number, stepSize: number, vCorrection: number, epsilon: number): void;
  sparseAdam(w: number, m: number, v: number, dy: number, entryRows: number, bitStarts: number, rows: number, rowCount: number, rowBytes: number,
    beta1: number, beta2: number, stepSize: number, vCorrection: number, epsilon: number): void;
  dropoutMasks(out: number, states: number, counts: number, slots: number, stride: number, threshold: number, scale: number): void;
  denseForward(z: number, x: number, w: number, wt: number, c: number, slots: number, rows: number, inputs: number, outputs: number): void;
  denseBackward(dx: number, dw: number, dc: number, x: number, wt: number, dz: number, slots: number, rows: number, inputs: number, outputs: number): void;
  activationForward(h: number, a: number, c: number, mask: number, slots: number, rows: number, width: number): void;
  activationBackward(da: number, dc: number, a: number, c: number, mask: number, dh: number, slots: number, rows: number, width: number): void;
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
    compiled ??= new wasmApi.Module(Buffer.from(KERNELS_WASM, 'base64'));
    const instance = new wasmApi.Instance(compiled, { env: { memory } });
    return instance.exports as SimdKernels;
  } catch {
    return undefined;
  }
}
