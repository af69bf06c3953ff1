// The optimizer as TAG sees it: its own update step on a subset of variables, and an exact save/restore.
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import {
  disposeOptimizerSnapshot,
  restoreOptimizer,
  snapshotOptimizer,
  type OptimizerSnapshot,
} from './snapshot.ts';

/**
 * An optimizer whose step TAG borrows. lib/model's `Adam` satisfies it as is; `fromTfOptimizer` adapts any
 * tf.train optimizer (SGD in the hand-computed tests).
 */
export interface StepOptimizer<State = unknown> {
  /** The optimizer's own update (state included) of the named variables only; others stay untouched. */
  applyGradients(grads: Record<string, Tensor>): void;
  /** A copy of the complete state, independent of later steps. */
  getState(): State | Promise<State>;
  /** Returns exactly to a state from getState (which stays valid for another restore). */
  setState(state: State): void | Promise<void>;
  disposeState(state: State): void;
}

/**
 * Adapts a tf.train optimizer. `variables` must be every variable of the training step in the order the step
 * passes them, because tfjs's Adam-family optimizers pair their slots with variables by position: a partial
 * update is passed as that full list with null gradients for the variables it leaves alone.
 */
export function fromTfOptimizer(optimizer: Optimizer, variables: readonly Variable[]): StepOptimizer<OptimizerSnapshot> {
  return {
    applyGradients(grads) {
      const ordered = variables.map((v) => ({ name: v.name, tensor: (grads[v.name] ?? null) as Tensor }));
      optimizer.applyGradients(ordered);
    },
    getState: () => snapshotOptimizer(optimizer),
    setState: (state) => restoreOptimizer(optimizer, state),
    disposeState: disposeOptimizerSnapshot,
  };
}
