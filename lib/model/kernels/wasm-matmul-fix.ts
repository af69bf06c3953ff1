// tfjs-backend-wasm 4.22 computes BatchMatMul with a transposed operand ~50x slower than without, and the
// backward pass of every dense layer asks for exactly that (dW = xᵀ·dy, dx = dy·Wᵀ). Materialising the
// transpose first (one Transpose kernel, then the fast untransposed product) gives the same numbers.
import type * as tfType from '@tensorflow/tfjs';

type KernelFunc = (args: { inputs: Record<string, any>; backend: any; attrs?: Record<string, unknown> }) => any;

const patched = new WeakSet<object>();

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Re-registers the wasm BatchMatMul kernel so that a transposed operand is transposed explicitly first.
 * Must run after the wasm backend is initialised (the original kernel's wasm bindings are set up then).
 * Idempotent per tfjs instance.
 */
export function installWasmMatMulFix(tf: typeof tfType): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel || patched.has(original)) return;
  const matMul = original.kernelFunc as unknown as KernelFunc;
  const transpose = transposeKernel.kernelFunc as unknown as KernelFunc;
  const fixed: KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs;
    const transposeA = Boolean(attrs?.transposeA);
    const transposeB = Boolean(attrs?.transposeB);
    if (!transposeA && !transposeB) return matMul({ inputs, backend, attrs });
    const temps: any[] = [];
    const plain = (x: any, flag: boolean) => {
      if (!flag) return x;
      const t = transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } });
      temps.push(t);
      return t;
    };
    const out = matMul({
      inputs: { a: plain(a, transposeA), b: plain(b, transposeB) },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  const config = { ...original, kernelFunc: fixed as any };
  tf.registerKernel(config);
  patched.add(config);
}
