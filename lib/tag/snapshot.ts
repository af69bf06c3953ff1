// Exact snapshot and restore of training state (model variables and a tfjs optimizer's state), so that a
// probe can take steps and leave the main training run bit-for-bit where it was.
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: Tensor };

/** Copies of some variables' values, restorable any number of times. */
export interface VariablesSnapshot {
  readonly variables: readonly Variable[];
  readonly values: readonly Tensor[];
}

/** Copies each variable's current value. */
export function snapshotVariables(variables: readonly Variable[]): VariablesSnapshot {
  return { variables, values: variables.map((v) => v.clone()) };
}

/** Puts the snapshot values back. Variable.assign re-points the variable at the snapshot's buffer (no copy);
 * the optimizer's next assign re-points it again, so the snapshot stays intact for another restore. */
export function restoreVariables(snapshot: VariablesSnapshot): void {
  snapshot.variables.forEach((v, i) => v.assign(snapshot.values[i]));
}

export function disposeVariablesSnapshot(snapshot: VariablesSnapshot): void {
  for (const t of snapshot.values) t.dispose();
}

/** A tfjs optimizer's complete state: its `getWeights()` (iterations + per-variable slots) and its own scalar
 * variables that getWeights omits (Adam's and Adamax's running β-powers). */
export interface OptimizerSnapshot {
  readonly weights: readonly NamedTensor[];
  readonly scalars: readonly { key: string; value: Tensor }[];
}

type VariableLike = Tensor & { assign(value: Tensor): void; trainable: boolean };

function isVariable(value: unknown): value is VariableLike {
  return typeof value === 'object' && value !== null && typeof (value as { assign?: unknown }).assign === 'function' &&
    'dataId' in value && 'trainable' in value;
}

/** Own properties of the optimizer that are tf Variables (accBeta1/accBeta2 for Adam; iteration/accBeta1 for Adamax). */
function ownScalarVariables(optimizer: Optimizer): { key: string; variable: VariableLike }[] {
  return Object.entries(optimizer as unknown as Record<string, unknown>)
    .filter((entry): entry is [string, VariableLike] => isVariable(entry[1]))
    .map(([key, variable]) => ({ key, variable }));
}

/**
 * Copies the optimizer's state. Why the scalars too: tfjs's setWeights recomputes Adam's β-powers as
 * β^(t+1) with `pow`, which can differ in the last bit from the running product the optimizer keeps, and a
 * restored run would then drift from one never probed.
 */
export async function snapshotOptimizer(optimizer: Optimizer): Promise<OptimizerSnapshot> {
  const live = await optimizer.getWeights();
  // Entry 0 is a fresh iteration-count tensor we own; the rest are the optimizer's live slot variables.
  const weights = live.map((w, i) => ({ name: w.name, tensor: i === 0 ? w.tensor : w.tensor.clone() }));
  const scalars = ownScalarVariables(optimizer).map(({ key, variable }) => ({ key, value: variable.clone() }));
  return { weights, scalars };
}

/**
 * Returns the optimizer to the snapshot. Slot variables created after the snapshot (lazily, on a first
 * update) are dropped, exactly as if that update had never happened; the replaced slot variables are disposed.
 */
export async function restoreOptimizer(optimizer: Optimizer, snapshot: OptimizerSnapshot): Promise<void> {
  const replaced = await optimizer.getWeights();
  // setWeights wraps each given tensor in a new variable sharing its buffer; the snapshot keeps its own reference.
  await optimizer.setWeights(snapshot.weights.map((w) => ({ name: w.name, tensor: w.tensor })));
  replaced.forEach((w) => w.tensor.dispose());
  const byKey = new Map(ownScalarVariables(optimizer).map((s) => [s.key, s.variable]));
  for (const { key, value } of snapshot.scalars) byKey.get(key)?.assign(value);
}

export function disposeOptimizerSnapshot(snapshot: OptimizerSnapshot): void {
  for (const w of snapshot.weights) w.tensor.dispose();
  for (const s of snapshot.scalars) s.value.dispose();
}
