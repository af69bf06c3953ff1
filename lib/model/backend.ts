// Chooses the tfjs backend: tfjs-node(-gpu) when installed, else wasm (SIMD; threads do not work in Node), else cpu.
// The backend actually used is returned so that every result can record it.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { installWasmMatMulFix } from './kernels/wasm-matmul-fix.ts';
import { installMtlcKernels } from './kernels/mtlc-kernels.ts';
import { ComputationError } from '../errors.ts';

import type * as tfType from '@tensorflow/tfjs';

export type Tf = typeof tfType;
export type BackendPreference = 'node' | 'wasm' | 'cpu';

export interface LoadedBackend {
  tf: Tf;
  /** tfjs backend name: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  backend: string;
  /** What computes: a GPU name, or 'cpu (<model>)'. */
  device: string;
}

/** Speed-ups that can be turned off to measure what each one buys (bench ablation); all on by default. */
export interface BackendOptions {
  /** wasm: re-register BatchMatMul so a transposed operand is transposed explicitly first. */
  wasmMatMulFix?: boolean;
  /** wasm/cpu: mtlc's kernels (sparse first layer, fused Adam); off = stock-op paths. */
  mtlcKernels?: boolean;
}

let cached: Promise<LoadedBackend> | undefined;
let cachedKey: string | undefined;

function cpuName(): string {
  const model = os.cpus()[0]?.model?.trim();
  return model ? `cpu (${model})` : 'cpu';
}

function gpuName(): string {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000 });
    const first = out.split('\n')[0]?.trim();
    if (first) return first;
  } catch {
    // nvidia-smi absent: the GPU is still in use, just unnamed
  }
  return 'gpu';
}

/** Why the native bindings did not load, per package (for the message of a job that requires a GPU). */
const nodeFailures: string[] = [];

async function tryNode(): Promise<LoadedBackend | undefined> {
  // The native bindings may be absent, built for another ABI, or lack libtensorflow: any error means "not available".
  nodeFailures.length = 0;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const tf = (await import(pkg)) as unknown as Tf;
      if (!(await tf.setBackend('tensorflow'))) {
        nodeFailures.push(`${pkg}: setBackend('tensorflow') returned false`);
        continue;
      }
      await tf.ready();
      const usingGpu = Boolean((tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
      return { tf, backend: 'tensorflow', device: usingGpu ? gpuName() : cpuName() };
    } catch (err) {
      nodeFailures.push(`${pkg}: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
      continue;
    }
  }
  return undefined;
}

/**
 * A job that pays for a GPU says so with MTLC_REQUIRE_DEVICE=gpu (the Batch trainer's job definition does): then a
 * backend without one is an error naming why the native bindings failed, never a silent fallback to wasm.
 */
export function checkRequiredDevice(loaded: LoadedBackend, required = process.env.MTLC_REQUIRE_DEVICE): void {
  if (required !== 'gpu') return;
  if (loaded.backend === 'tensorflow' && !loaded.device.startsWith('cpu')) return;
  const why = nodeFailures.length ? nodeFailures.join('; ') : `tfjs-node loaded on ${loaded.device}, not a GPU`;
  throw new ComputationError(`this job requires a GPU (MTLC_REQUIRE_DEVICE=gpu) but tfjs loaded the ${loaded.backend} backend on ${loaded.device} (${why})`);
}

async function tryWasm(options: BackendOptions): Promise<LoadedBackend | undefined> {
  try {
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return undefined;
    await tf.ready();
    if (options.wasmMatMulFix !== false) installWasmMatMulFix(tf);
    if (options.mtlcKernels !== false) installMtlcKernels(tf);
    return { tf, backend: 'wasm', device: cpuName() };
  } catch {
    return undefined;
  }
}

async function tryCpu(options: BackendOptions): Promise<LoadedBackend | undefined> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
  if (!(await tf.setBackend('cpu'))) return undefined;
  await tf.ready();
  if (options.mtlcKernels !== false) installMtlcKernels(tf);
  return { tf, backend: 'cpu', device: cpuName() };
}

async function load(prefer: BackendPreference | undefined, options: BackendOptions): Promise<LoadedBackend> {
  // Production mode: no per-op debug checks, and no console advice to install tfjs-node on every start.
  ((await import('@tensorflow/tfjs')) as unknown as Tf).enableProdMode();
  const order: BackendPreference[] =
    prefer === 'cpu' ? ['cpu'] : prefer === 'wasm' ? ['wasm', 'cpu'] : ['node', 'wasm', 'cpu'];
  for (const name of order) {
    const loaded = name === 'node' ? await tryNode() : name === 'wasm' ? await tryWasm(options) : await tryCpu(options);
    if (loaded) return loaded;
  }
  throw new ComputationError('no tfjs backend could be initialised (tried ' + order.join(', ') + ')');
}

/**
 * Loads the fastest available tfjs backend (tfjs-node → wasm → cpu), or the preferred one and those after it.
 * The result is shared by every caller in the process (tfjs has one global engine); asking for another
 * preference switches the engine's backend. `options` exist to measure the speed-ups one by one; a kernel
 * once installed stays installed for the process.
 */
export async function loadBackend(prefer?: BackendPreference, options: BackendOptions = {}): Promise<LoadedBackend> {
  const key = JSON.stringify([prefer ?? null, options]);
  if (!cached || cachedKey !== key) {
    cachedKey = key;
    cached = load(prefer, options);
    cached.catch(() => {
      cached = undefined;
    });
  }
  const loaded = await cached;
  checkRequiredDevice(loaded);
  return loaded;
}
