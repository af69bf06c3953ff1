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

/** What reading a task's labels needs: its tasks and the host label arrays [rows × K] (TaskData has them). */
export interface LabelView {
  tasks: readonly string[];
  hostY: Float32Array;
  hostObserved: Float32Array;
  hostTrainMask: Float32Array;
}

/** Labelled pairs of task k among `rows` that the train mask admits (the n of the task's metrics). */
export function trainCount(data: LabelView, k: number, rows: ArrayLike<number>): number {
  const K = data.tasks.length;
  let n = 0;
  for (let i = 0; i < rows.length; i++) n += data.hostTrainMask[rows[i] * K + k];
  return n;
}

/** A check's reading of the validation rows: each task's AUROC, and whether the check becomes the task's best. */
export interface CheckReading {
  scores: (number | null)[];
  better: boolean[];
}

/**
 * The per-task early stopping of the training protocol (docs/methods.md, "Training protocol"), shared by the
 * single and the batched trainer: every check reads the validation rows (`assess`); a task's validation AUROC
 * decides, and its test probabilities are kept from its best check so far (`record`). The test rows are read only
 * at a check that is some task's best: another check's test reading would be thrown away.
 */
export class TaskCheckpoints {
  private readonly K: number;
  private readonly testProbabilities: Float32Array;
  private readonly bestScore: (number | null)[];
  private readonly bestStep: (number | null)[];

  constructor(
    private readonly data: LabelView,
    private readonly validationRows: Int32Array,
    private readonly testRows: Int32Array,
    private readonly minImprovement: number,
  ) {
    this.K = data.tasks.length;
    this.testProbabilities = new Float32Array(testRows.length * this.K);
    this.bestScore = new Array(this.K).fill(null);
    this.bestStep = new Array(this.K).fill(null);
  }

  /** Whether the point has validation rows to check on (without, the whole budget is trained and read once). */
  get validates(): boolean {
    return this.validationRows.length > 0;
  }

  /** A check's reading from the probabilities of the validation rows [rows × K]. */
  assess(validation: Float32Array): CheckReading {
    const scores: (number | null)[] = [];
    const better: boolean[] = [];
    for (let k = 0; k < this.K; k++) {
      const { y, p } = labelledColumn(this.data, this.validationRows, validation, k);
      const score = auroc(y, p);
      scores.push(score);
      // The first check, and every one better by more than minImprovement, become the task's best; a task
      // without a defined validation AUROC (no labels or one class) is read at the last check.
      better.push(score === null || this.bestScore[k] === null || score > this.bestScore[k]! + this.minImprovement);
    }
    return { scores, better };
  }

  /** Whether the check needs the test rows' probabilities: it is some task's best. */
  needsTest(reading: CheckReading): boolean {
    return reading.better.some(Boolean);
  }

  /**
   * Records the check at `step`; `test()` gives the probabilities of the test rows [rows × K], asked for only when
   * the check needs them. Whether it improved any task's validation AUROC.
   */
  record(step: number, reading: CheckReading, test: () => Float32Array): boolean {
    const { K } = this;
    const testP = this.needsTest(reading) ? test() : undefined;
    let improved = false;
    for (let k = 0; k < K; k++) {
      if (!reading.better[k]) continue;
      const score = reading.scores[k];
      if (score !== null) {
        this.bestScore[k] = score;
        improved = true;
      }
      this.bestStep[k] = step;
      for (let i = 0; i < this.testRows.length; i++) this.testProbabilities[i * K + k] = testP![i * K + k];
    }
    // With no task scored on validation, nothing can stop the run early: it trains the whole budget.
    return improved || this.bestScore.every((b) => b === null);
  }

  /** Each task's test metrics at its best check, and that check's step (`steps`, the last, where it has none). */
  results(trainRows: Int32Array, steps: number): { metrics: Record<string, TaskMetrics>; bestSteps: Record<string, number> } {
    const metrics: Record<string, TaskMetrics> = {};
    const bestSteps: Record<string, number> = {};
    this.data.tasks.forEach((task, k) => {
      const { y, p } = labelledColumn(this.data, this.testRows, this.testProbabilities, k);
      metrics[task] = taskMetrics(y, p, trainCount(this.data, k, trainRows));
      bestSteps[task] = this.bestStep[k] ?? steps;
    });
    return { metrics, bestSteps };
  }
}

/** A point whose training rows include a test or validation row is refused. */
export function checkHeldOut(input: Pick<PointInput, 'tasks' | 'trainRows' | 'testRows' | 'validationRows'>): void {
  const heldOut = new Set(input.testRows);
  for (const r of input.validationRows) heldOut.add(r);
  for (const t of input.tasks) {
    for (const r of input.trainRows[t] ?? []) {
      if (heldOut.has(r)) throw new ComputationError(`row ${r} is both a training row of task '${t}' and a test or validation row`);
    }
  }
}

/** Rows that train at least one task, ascending. */
export function unionRows(tasks: readonly string[], trainRows: Record<string, Int32Array>): Int32Array {
  const set = new Set<number>();
  for (const t of tasks) for (const r of trainRows[t] ?? []) set.add(r);
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/** Labels and probabilities of task k on those of `rows` labelled for it; row i's probabilities are row i of `probabilities` [· × K]. */
export function labelledColumn(data: LabelView, rows: Int32Array, probabilities: Float32Array, k: number): { y: number[]; p: number[] } {
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
  checkHeldOut(input);
  const rng = createRng(input.seed);
  const trainRows = unionRows(input.tasks, input.trainRows);
  const data = new TaskData(tf, input.features, input.labels, input.tasks, input.trainRows, {
    sparseInput: loaded.backend !== 'tensorflow',
  });
  const model = createNetwork(loaded, data, input.model, rng.int());
  const checkpoints = new TaskCheckpoints(data, input.validationRows, input.testRows, input.model.minImprovement);
  const check = (step: number): boolean =>
    checkpoints.record(step, checkpoints.assess(predictRows(model, data, input.validationRows)), () => predictRows(model, data, input.testRows));
  try {
    const result = await fit(tf, model, data, trainRows, {
      batchSize: input.model.batchSize,
      stopping: input.model,
      rng: createRng(rng.int()),
      hooks: input.hooks,
      // No validation rows: nothing to check along the way; the one reading is at the last step.
      ...(checkpoints.validates ? { check } : {}),
    });
    if (!checkpoints.validates) check(result.steps);
    const { metrics, bestSteps } = checkpoints.results(trainRows, result.steps);
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
