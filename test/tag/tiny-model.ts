// A tiny real tfjs multi-task model for hand-computed TAG cases: a linear trunk h = x·W (d → m, no bias) and
// one logistic head per task, logit_i = h·a_i; loss of task i = mean BCE over its labelled rows.
import type { Scalar, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../../lib/model/backend.ts';
import type { TagModel } from '../../lib/tag/probe.ts';

export interface TinyBatch {
  x: number[][];
  /** y[row][task]: 0/1, or null when missing. */
  y: (number | null)[][];
}

export interface TinyModel extends TagModel<TinyBatch> {
  trunkWeights: Variable;
  heads: Variable[];
  /** Every variable, in the order the training step passes them to the optimizer. */
  variables: Variable[];
  /** Sum of the task losses (the training objective). */
  totalLoss(batch: TinyBatch): Scalar;
}

export function tinyModel(tf: Tf, tasks: string[], trunk: number[][], heads: number[][], headsFirst = false): TinyModel {
  const trunkWeights = tf.variable(tf.tensor2d(trunk), true);
  const headVars = heads.map((a) => tf.variable(tf.tensor2d(a, [a.length, 1]), true));
  const labelledTasks = (batch: TinyBatch) => tasks.map((_, t) => batch.y.some((r) => r[t] !== null));
  const taskLoss = (batch: TinyBatch, t: number): Scalar => {
    const rows = batch.y.map((r) => r[t]);
    const count = rows.filter((v) => v !== null).length;
    if (count === 0) return tf.scalar(0);
    const h = tf.matMul(tf.tensor2d(batch.x), trunkWeights) as Tensor2D;
    const y = tf.tensor1d(rows.map((v) => v ?? 0));
    const mask = tf.tensor1d(rows.map((v) => (v === null ? 0 : 1)));
    const logit = tf.matMul(h, headVars[t]).reshape([-1]);
    // Stable BCE with logits: max(z,0) − z·y + log(1 + e^(−|z|)).
    const bce = tf.add(tf.sub(tf.relu(logit), tf.mul(logit, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logit)))));
    return tf.div(tf.sum(tf.mul(bce, mask)), count) as Scalar;
  };
  const taskLosses = (batch: TinyBatch) => tasks.map((_, t) => taskLoss(batch, t));
  return {
    tasks,
    variables: headsFirst ? [...headVars, trunkWeights] : [trunkWeights, ...headVars],
    trunk: [trunkWeights],
    trunkWeights,
    heads: headVars,
    labelledTasks,
    taskLoss,
    taskLosses,
    totalLoss: (batch) => tf.addN(taskLosses(batch)) as Scalar,
  };
}
