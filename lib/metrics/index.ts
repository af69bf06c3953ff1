// Held-out metrics of one task: AUROC (the curve metric), AUPRC (average precision), log-loss and the counts.
import type { TaskMetrics } from '../types.ts';
import { auroc } from './auroc.ts';
import { averagePrecision } from './auprc.ts';
import { logLoss } from './logloss.ts';

export { auroc } from './auroc.ts';
export { averagePrecision } from './auprc.ts';
export { logLoss, LOGLOSS_EPSILON } from './logloss.ts';

/** All metrics of one task from its test labels (0/1) and predicted probabilities; nTrain is passed through. */
export function taskMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, nTrain: number): TaskMetrics {
  let nTestPositive = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) nTestPositive++;
  return {
    auroc: auroc(labels, probabilities),
    auprc: averagePrecision(labels, probabilities),
    logloss: logLoss(labels, probabilities),
    nTrain,
    nTest: labels.length,
    nTestPositive,
  };
}

/** Mean of the defined AUROCs (null when none is defined). */
export function macroAuroc(metrics: Record<string, TaskMetrics>): number | null {
  const values = Object.values(metrics)
    .map((m) => m.auroc)
    .filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
