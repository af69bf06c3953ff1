// The network's two layer operations, for S stacked slots (a single network is S = 1), each one op with its
// gradient: a dense layer z = x·W + c and a trunk activation h = ReLU(a + c) ⊙ dropout mask. On wasm and cpu they
// are mtlc's kernels (kernels/mtlc-kernels.ts), which the single and the batched network both call, so a point
// trains to the same bits in either (docs/methods.md, "Batched training"); elsewhere (tfjs-node) stock ops.
import type * as tfType from '@tensorflow/tfjs';
import { ACTIVATION, ACTIVATION_GRAD, DENSE, DENSE_GRAD, hasMtlcKernels } from './kernels/mtlc-kernels.ts';

type Grad = Parameters<typeof tfType.customGrad>[0];

/** z [S, B, O] = x [S, B, I] · w [S, I, O] + c (c: [S, 1, O]). */
export function denseLayer(tf: typeof tfType, x: tfType.Tensor3D, w: tfType.Tensor3D, c: tfType.Tensor3D): tfType.Tensor3D {
  if (!hasMtlcKernels(tf)) return tf.add(tf.matMul(x, w), c);
  // Wᵀ once per step: the forward of a narrow layer and every backward sum along its rows.
  const op = tf.customGrad(((xi: tfType.Tensor, wi: tfType.Tensor, ci: tfType.Tensor, save: (t: tfType.Tensor[]) => void) => {
    const wt = tf.transpose(wi, [0, 2, 1]);
    save([xi, wt]);
    return {
      value: tf.engine().runKernel(DENSE, { x: xi, w: wi, wt, c: ci }) as tfType.Tensor,
      gradFunc: (dz: tfType.Tensor, saved: tfType.Tensor[]) => {
        const [dx, dw, dc] = tf.engine().runKernel(DENSE_GRAD, { x: saved[0], wt: saved[1], dz }) as tfType.Tensor[];
        return [dx, dw, tf.reshape(dc, ci.shape)];
      },
    };
  }) as unknown as Grad);
  return op(x, w, c) as tfType.Tensor3D;
}

/** h [S, B, H] = ReLU(a + c) ⊙ mask (c: [S, 1, H], none: the bias is already in a; no mask: dropout off). */
export function trunkActivation(tf: typeof tfType, a: tfType.Tensor3D, c?: tfType.Tensor3D, mask?: tfType.Tensor3D): tfType.Tensor3D {
  if (!hasMtlcKernels(tf)) {
    const h = tf.relu(c ? tf.add(a, c) : a) as tfType.Tensor3D;
    return mask ? tf.mul(h, mask) : h;
  }
  const attrs = { masked: mask !== undefined, biased: c !== undefined };
  // The mask is data, never trained: it is no input of the op (which would owe it a gradient), only saved with
  // the inputs for the backward. Without a bias or a mask the kernels ignore those inputs; `a` stands in.
  const forward = (ai: tfType.Tensor, ci: tfType.Tensor) => tf.engine().runKernel(ACTIVATION, { a: ai, c: ci, mask: mask ?? ai }, attrs) as tfType.Tensor;
  const backward = (dh: tfType.Tensor, [a0, c0, m0]: tfType.Tensor[]) => tf.engine().runKernel(ACTIVATION_GRAD, { a: a0, c: c0, mask: m0, dh }, attrs) as tfType.Tensor[];
  if (c) {
    const op = tf.customGrad(((ai: tfType.Tensor, ci: tfType.Tensor, save: (t: tfType.Tensor[]) => void) => {
      save([ai, ci, mask ?? ai]);
      return {
        value: forward(ai, ci),
        gradFunc: (dh: tfType.Tensor, saved: tfType.Tensor[]) => {
          const [da, dc] = backward(dh, saved);
          return [da, tf.reshape(dc, saved[1].shape)];
        },
      };
    }) as unknown as Grad);
    return op(a, c) as tfType.Tensor3D;
  }
  const op = tf.customGrad(((ai: tfType.Tensor, save: (t: tfType.Tensor[]) => void) => {
    save([ai, ai, mask ?? ai]);
    return {
      value: forward(ai, ai),
      gradFunc: (dh: tfType.Tensor, saved: tfType.Tensor[]) => {
        const [da, dc] = backward(dh, saved);
        dc.dispose();
        return [da];
      },
    };
  }) as unknown as Grad);
  return op(a) as tfType.Tensor3D;
}
