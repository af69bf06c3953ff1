// One learning-curve point: train one network on the given per-task training rows, evaluate on the test rows.
import type { FeatureMatrix, LabelMatrix, TaskMetrics } from '../types.ts';
import type { ModelConfig } from '../config.ts';
import { ComputationError } from '../errors.ts';
import { taskMetrics } from '../metrics/index.ts';
import { loadBackend, type LoadedBackend } from './backend.ts';
import { TaskData } from './data.ts';
import { createNetwork } from './create.ts';
import { fit, type TrainingHooks } from './train.ts';
import { createRng, shuffleInPlace } from '../stats/rng.ts';
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
  epochsRun: number;
}

/** Rows that train at least one task, ascending. */
export function unionRows(tasks: readonly string[], trainRows: Record<string, Int32Array>): Int32Array {
  const set = new Set<number>();
  for (const t of tasks) for (const r of trainRows[t] ?? []) set.add(r);
  return Int32Array.from([...set].sort((a, b) => a - b));
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
 * for t): in a multi-task point every (row, task) label is admitted or masked individually. With early
 * stopping, a seeded fraction of the training rows is held out as the validation slice (it trains nothing).
 * The test metrics of task t use the test rows labelled for t. Fingerprints stay sparse on wasm/cpu (the
 * sparse first layer); on tfjs-node they are densified for its native matMul.
 */
export async function trainPoint(input: PointInput): Promise<PointOutput> {
  const started = performance.now();
  if (input.tasks.length === 0) throw new ComputationError('a point needs at least one task');
  const loaded = input.backend ?? (await loadBackend());
  const tf = loaded.tf;
  const testSet = new Set(input.testRows);
  for (const t of input.tasks) {
    for (const r of input.trainRows[t] ?? []) {
      if (testSet.has(r)) throw new ComputationError(`row ${r} is both a training row of task '${t}' and a test row`);
    }
  }
  const rng = createRng(input.seed);
  let trainRows = unionRows(input.tasks, input.trainRows);
  let validation: { rows: Int32Array; patience: number } | undefined;
  const es = input.model.earlyStopping;
  if (es && trainRows.length >= 2) {
    const shuffled = shuffleInPlace(Int32Array.from(trainRows), createRng(rng.int()));
    const nValidation = Math.max(1, Math.round(es.fraction * shuffled.length));
    validation = { rows: shuffled.slice(0, nValidation).sort(), patience: es.patience };
    trainRows = shuffled.slice(nValidation).sort();
  }
  const data = new TaskData(tf, input.features, input.labels, input.tasks, input.trainRows, {
    sparseInput: loaded.backend !== 'tensorflow',
  });
  const model = createNetwork(loaded, data, input.model, rng.int());
  try {
    const result = await fit(tf, model, data, trainRows, {
      epochs: input.model.epochs,
      batchSize: input.model.batchSize,
      rng: createRng(rng.int()),
      hooks: input.hooks,
      validation,
    });
    const K = input.tasks.length;
    const probabilities = predictRows(model, data, input.testRows);
    const metrics: Record<string, TaskMetrics> = {};
    input.tasks.forEach((task, k) => {
      const y: number[] = [];
      const p: number[] = [];
      input.testRows.forEach((r, i) => {
        if (data.hostObserved[r * K + k]) {
          y.push(data.hostY[r * K + k]);
          p.push(probabilities[i * K + k]);
        }
      });
      metrics[task] = taskMetrics(y, p, data.trainCount(k, trainRows));
    });
    return {
      metrics,
      seconds: (performance.now() - started) / 1000,
      backend: loaded.backend,
      device: loaded.device,
      epochsRun: result.epochsRun,
    };
  } finally {
    model.dispose();
    data.dispose();
  }
}
