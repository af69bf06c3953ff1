// One learning-curve point: train one network on the given per-task training rows, evaluate on the test rows.
import type { FeatureMatrix, LabelMatrix, TaskMetrics } from '../types.ts';
import type { ModelConfig } from '../config.ts';
import { ComputationError } from '../errors.ts';
import { auroc, taskMetrics } from '../metrics/index.ts';
import { loadBackend, type LoadedBackend } from './backend.ts';
import { TaskData } from './data.ts';
import { createNetwork } from './create.ts';
import { fit, type TrainingHooks } from './train.ts';
import { createRng } from '../stats/rng.ts';
import type { MultiTaskNetwork } from './network.ts';

export interface PointInput {
  features: FeatureMatrix;
  labels: LabelMatrix;
  /** Tasks of the network's heads, in head order; metrics are reported for each. */
  tasks: string[];
  /** Per task, the rows that are training samples of that task (a row may train some tasks and not others). */
  trainRows: Record<string, Int32Array>;
  /** Held-out rows; each task is evaluated on those of them labelled for it. */
  testRows: Int32Array;
  /** Inner validation rows (outside the training and test rows): each task's early stopping reads its AUROC on
   * those labelled for it. Empty: the whole step budget is trained and the last step counts. */
  validationRows: Int32Array;
  model: ModelConfig;
  seed: number;
  hooks?: TrainingHooks;
  backend?: LoadedBackend;
}

export interface PointOutput {
  metrics: Record<string, TaskMetrics>;
  /** Wall seconds of the whole point (upload, training, evaluation). */
  seconds: number;
  backend: string;
  device: string;
  /** Optimisation steps taken. */
  steps: number;
  /** Per task, the step whose model its metrics come from (its best validation AUROC; the last step when it
   * has none). */
  bestSteps: Record<string, number>;
  /** Whether the run ended by patience before the step budget. */
  stoppedEarly: boolean;
}

/** Rows that train at least one task, ascending. */
export function unionRows(tasks: readonly string[], trainRows: Record<string, Int32Array>): Int32Array {
  const set = new Set<number>();
  for (const t of tasks) for (const r of trainRows[t] ?? []) set.add(r);
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/** Labels and probabilities of task k on those of `rows` labelled for it; row i's probabilities are row i of `probabilities` [· × K]. */
export function labelledColumn(data: TaskData, rows: Int32Array, probabilities: Float32Array, k: number): { y: number[]; p: number[] } {
  const K = data.tasks.length;
  const y: number[] = [];
  const p: number[] = [];
  rows.forEach((r, i) => {
    if (data.hostObserved[r * K + k]) {
      y.push(data.hostY[r * K + k]);
      p.push(probabilities[i * K + k]);
    }
  });
  return { y, p };
}

/** Probabilities [rows × K] of the model on `rows`, dropout off. */
export function predictRows(model: MultiTaskNetwork, data: TaskData, rows: Int32Array, chunk = 1024): Float32Array {
  const K = model.tasks.length;
  const out = new Float32Array(rows.length * K);
  for (let start = 0; start < rows.length; start += chunk) {
    const batch = data.batch(rows.subarray(start, start + chunk), 'observed');
    const p = model.predict(batch);
    out.set(p.dataSync() as Float32Array, start * K);
    p.dispose();
    batch.dispose();
  }
  return out;
}

/**
 * Trains one point. A compound is a training sample of task t only if its row is in trainRows[t] (and labelled
 * for t): in a multi-task point every (row, task) label is admitted or masked individually. Training follows
 * the protocol of docs/methods.md: a step budget independent of the rows, checks of every task's AUROC on the
 * validation rows, and each task's test metrics taken at its own best check (per-task early stopping). Without
 * validation rows the whole budget is trained and every task is read at the last step.
 * Fingerprints stay sparse on wasm/cpu (the sparse first layer); on tfjs-node they are densified for its
 * native matMul.
 */
export async function trainPoint(input: PointInput): Promise<PointOutput> {
  const started = performance.now();
  if (input.tasks.length === 0) throw new ComputationError('a point needs at least one task');
  const loaded = input.backend ?? (await loadBackend());
  const tf = loaded.tf;
  const heldOut = new Set(input.testRows);
  for (const r of input.validationRows) heldOut.add(r);
  for (const t of input.tasks) {
    for (const r of input.trainRows[t] ?? []) {
      if (heldOut.has(r)) throw new ComputationError(`row ${r} is both a training row of task '${t}' and a test or validation row`);
    }
  }
  const rng = createRng(input.seed);
  const trainRows = unionRows(input.tasks, input.trainRows);
  const data = new TaskData(tf, input.features, input.labels, input.tasks, input.trainRows, {
    sparseInput: loaded.backend !== 'tensorflow',
  });
  const model = createNetwork(loaded, data, input.model, rng.int());
  const K = input.tasks.length;
  // One forward pass per check over validation and test rows: validation AUROC per task decides, and a task's
  // test probabilities are kept from its best check so far.
  const nValidation = input.validationRows.length;
  const evalRows = Int32Array.from([...input.validationRows, ...input.testRows]);
  const testProbabilities = new Float32Array(input.testRows.length * K);
  const bestScore: (number | null)[] = new Array(K).fill(null);
  const bestStep: (number | null)[] = new Array(K).fill(null);
  const check = (step: number): boolean => {
    const p = predictRows(model, data, evalRows);
    let improved = false;
    for (let k = 0; k < K; k++) {
      const { y, p: scores } = labelledColumn(data, input.validationRows, p, k);
      const score = auroc(y, scores);
      // The first check, and every one better by more than minImprovement, become the task's best; a task
      // without a defined validation AUROC (no labels or one class) is read at the last check.
      const better = score === null || bestScore[k] === null || score > bestScore[k]! + input.model.minImprovement;
      if (!better) continue;
      if (score !== null) {
        bestScore[k] = score;
        improved = true;
      }
      bestStep[k] = step;
      for (let i = 0; i < input.testRows.length; i++) testProbabilities[i * K + k] = p[(nValidation + i) * K + k];
    }
    // With no task scored on validation, nothing can stop the run early: it trains the whole budget.
    return improved || bestScore.every((b) => b === null);
  };
  try {
    const result = await fit(tf, model, data, trainRows, {
      batchSize: input.model.batchSize,
      stopping: input.model,
      rng: createRng(rng.int()),
      hooks: input.hooks,
      // No validation rows: nothing to check along the way; the one reading is at the last step.
      ...(nValidation > 0 ? { check } : {}),
    });
    if (nValidation === 0) check(result.steps);
    const metrics: Record<string, TaskMetrics> = {};
    const bestSteps: Record<string, number> = {};
    input.tasks.forEach((task, k) => {
      const { y, p } = labelledColumn(data, input.testRows, testProbabilities, k);
      metrics[task] = taskMetrics(y, p, data.trainCount(k, trainRows));
      bestSteps[task] = bestStep[k] ?? result.steps;
    });
    return {
      metrics,
      seconds: (performance.now() - started) / 1000,
      backend: loaded.backend,
      device: loaded.device,
      steps: result.steps,
      bestSteps,
      stoppedEarly: result.stoppedEarly,
    };
  } finally {
    model.dispose();
    data.dispose();
  }
}
