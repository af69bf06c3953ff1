// Adam with PyTorch's update rule, owned by mtlc so that its state can be snapshotted and restored exactly
// (TAG and the snapshot branches take optimizer steps from a snapshot and roll them back).
import type * as tfType from '@tensorflow/tfjs';
import { ADAM, hasMtlcKernels } from './kernels/mtlc-kernels.ts';

export interface AdamOptions {
  learningRate: number;
  /** Use mtlc's fused kernel when the backend has it (default); false forces the stock-op path. */
  fused?: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** A copy of the optimizer's state: step count and the first/second moments of every variable it has seen. */
export interface AdamState {
  step: number;
  moments: Map<string, { m: tfType.Tensor; v: tfType.Tensor }>;
}

/**
 * Adam (Kingma & Ba 2015) in PyTorch's form, for each variable w with gradient g at step t:
 *
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. One step counter t for all variables; every call of
 * `applyGradients` is one step (a call with gradients for some variables only, as TAG's trunk-only update,
 * leaves the others and their moments untouched).
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly allowFused: boolean;
  private step = 0;
  private moments = new Map<string, { m: tfType.Tensor; v: tfType.Tensor }>();
  private readonly tf: typeof tfType;
  private readonly variables: Map<string, tfType.Variable>;

  constructor(tf: typeof tfType, variables: tfType.Variable[], options: AdamOptions) {
    this.tf = tf;
    this.variables = new Map(variables.map((v) => [v.name, v]));
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.allowFused = options.fused ?? true;
  }

  get iterations(): number {
    return this.step;
  }

  /** One Adam step on the variables named in `grads` (keys are variable names, as tf.variableGrads returns). */
  applyGradients(grads: Record<string, tfType.Tensor>): void {
    const tf = this.tf;
    this.step += 1;
    const t = this.step;
    const { beta1, beta2, epsilon } = this;
    const stepSize = this.learningRate / (1 - beta1 ** t);
    const vCorrection = 1 / (1 - beta2 ** t);
    const fused = this.allowFused && hasMtlcKernels(tf);
    for (const [name, g] of Object.entries(grads)) {
      const variable = this.variables.get(name);
      if (!variable) throw new Error(`Adam: no variable named '${name}'`);
      if (g.size !== variable.size) throw new Error(`Adam: gradient of '${name}' has shape [${g.shape}], the variable [${variable.shape}]`);
      const old = this.moments.get(name);
      if (fused) {
        // One pass over w, m, v, g (mtlc's kernel); new buffers, so snapshots sharing the old ones stay valid.
        const m0 = old?.m ?? tf.zerosLike(variable);
        const v0 = old?.v ?? tf.zerosLike(variable);
        const [w1, m1, v1] = tf.engine().runKernel(ADAM, { w: variable, m: m0, v: v0, g }, { beta1, beta2, epsilon, slots: [{ stepSize, vCorrection }] }) as tfType.Tensor[];
        variable.assign(w1);
        w1.dispose();
        tf.dispose(old ? [old.m, old.v] : [m0, v0]);
        // keep: callers may step inside tf.tidy (TAG, the lookahead), which must not take the moments.
        this.moments.set(name, { m: tf.keep(m1), v: tf.keep(v1) });
        continue;
      }
      const next = tf.tidy(() => {
        const m = old ? tf.add(tf.mul(old.m, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const v = old ? tf.add(tf.mul(old.v, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        const update = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(tf.mul(v, vCorrection)), epsilon));
        variable.assign(tf.sub(variable, update));
        return { m: tf.keep(m), v: tf.keep(v) };
      });
      if (old) tf.dispose([old.m, old.v]);
      this.moments.set(name, next);
    }
  }

  /** A copy of the state, independent of later steps. Dispose it with `disposeState`. */
  getState(): AdamState {
    const moments = new Map<string, { m: tfType.Tensor; v: tfType.Tensor }>();
    for (const [name, { m, v }] of this.moments) moments.set(name, { m: this.tf.clone(m), v: this.tf.clone(v) });
    return { step: this.step, moments };
  }

  /** Restores a state taken with `getState` (the state stays valid and can be restored again). */
  setState(state: AdamState): void {
    for (const { m, v } of this.moments.values()) this.tf.dispose([m, v]);
    this.moments = new Map();
    for (const [name, { m, v }] of state.moments) this.moments.set(name, { m: this.tf.clone(m), v: this.tf.clone(v) });
    this.step = state.step;
  }

  disposeState(state: AdamState): void {
    for (const { m, v } of state.moments.values()) this.tf.dispose([m, v]);
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) this.tf.dispose([m, v]);
    this.moments.clear();
  }
}
