// LCDB-style model choice: fit each model on the smaller anchors, score it on the larger held-out ones.
import { ComputationError, MtlcError } from '../errors.ts';
import type { CurveModelName } from '../results.ts';
import type { CurveData } from './data.ts';
import { fitCurve } from './fit.ts';

/** Models of performance against n alone: the ones an anchor split applies to. */
export type OneArgumentModel = 'exp3' | 'pow3' | 'pow4' | 'mmf4' | 'last1';
const ONE_ARGUMENT: ReadonlySet<CurveModelName> = new Set(['exp3', 'pow3', 'pow4', 'mmf4', 'last1']);

export interface CompareOptions {
  /** Train on anchors n ≤ anchorSplit, test on n > anchorSplit. */
  anchorSplit?: number;
  /** Otherwise hold out this fraction of the distinct anchors, the largest ones (default 0.25; at least one). */
  heldOutFraction?: number;
}

export interface CurveComparison {
  curve: string;
  model: CurveModelName;
  trainPoints: number;
  testPoints: number;
  /** Mean of (P̂(n) − y)² over the held-out points; null when the model could not be fitted. */
  heldOutMse: number | null;
  /** |P̂(n_last) − ȳ(n_last)| at the largest anchor (ȳ: mean of its replicates); null when not fitted. */
  lastAnchorError: number | null;
  /** Why the model could not be fitted on the training anchors. */
  error?: string;
}

export interface ModelSummary {
  model: CurveModelName;
  /** Curves where the model could be fitted. */
  curves: number;
  meanHeldOutMse: number | null;
  medianHeldOutMse: number | null;
  meanLastAnchorError: number | null;
  /** Curves where this model had the lowest held-out MSE (ties to the first model listed). */
  wins: number;
}

function trainTestSplit(n: readonly number[], options: CompareOptions): number {
  const anchors = [...new Set(n)].sort((a, b) => a - b);
  if (options.anchorSplit !== undefined) return options.anchorSplit;
  const fraction = options.heldOutFraction ?? 0.25;
  if (!(fraction > 0 && fraction < 1)) throw new ComputationError(`compareModels: heldOutFraction must be in (0, 1), got ${fraction}`);
  const heldOut = Math.max(1, Math.round(anchors.length * fraction));
  if (heldOut >= anchors.length) throw new ComputationError(`compareModels: a curve with ${anchors.length} anchor(s) leaves none to train on`);
  return anchors[anchors.length - heldOut - 1];
}

/**
 * For every curve and model: fit on the points with n ≤ split, then report
 *   heldOutMse = (1/|T|)·Σ_{p∈T} (P̂(n_p) − y_p)²  over the held-out points T (n > split), and
 *   lastAnchorError = |P̂(n_max) − mean{y_p : n_p = n_max}|.
 * A model that cannot be fitted on the training anchors (too few of them) is reported with nulls and its reason.
 */
export function compareModels(curves: readonly { curve: string; data: CurveData }[], models: readonly CurveModelName[], options: CompareOptions = {}): CurveComparison[] {
  for (const m of models) if (!ONE_ARGUMENT.has(m)) throw new ComputationError(`compareModels: '${m}' is not a one-argument model (use ${[...ONE_ARGUMENT].join(', ')})`);
  const rows: CurveComparison[] = [];
  for (const { curve, data } of curves) {
    const split = trainTestSplit(data.n, options);
    const train = data.n.map((_, p) => p).filter((p) => data.n[p] <= split);
    const test = data.n.map((_, p) => p).filter((p) => data.n[p] > split);
    if (test.length === 0) throw new ComputationError(`compareModels: curve '${curve}' has no anchor above the split ${split}`);
    const nMax = Math.max(...data.n);
    const atMax = data.y.filter((_, p) => data.n[p] === nMax);
    const yLast = atMax.reduce((s, v) => s + v, 0) / atMax.length;
    for (const model of models) {
      const base = { curve, model, trainPoints: train.length, testPoints: test.length };
      try {
        const fit = fitCurve(model, { n: train.map((p) => data.n[p]), y: train.map((p) => data.y[p]) });
        const mse = test.reduce((s, p) => s + (fit.predictAt({ n: data.n[p] }) - data.y[p]) ** 2, 0) / test.length;
        rows.push({ ...base, heldOutMse: mse, lastAnchorError: Math.abs(fit.predictAt({ n: nMax }) - yLast) });
      } catch (err) {
        if (!(err instanceof MtlcError)) throw err;
        rows.push({ ...base, heldOutMse: null, lastAnchorError: null, error: err.message });
      }
    }
  }
  return rows;
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per model: mean and median held-out MSE, mean last-anchor error, and on how many curves it was best. */
export function summarizeComparison(rows: readonly CurveComparison[]): ModelSummary[] {
  const models = [...new Set(rows.map((r) => r.model))];
  const wins = new Map<CurveModelName, number>(models.map((m) => [m, 0]));
  for (const curve of new Set(rows.map((r) => r.curve))) {
    let best: CurveComparison | null = null;
    for (const r of rows) if (r.curve === curve && r.heldOutMse !== null && (best === null || r.heldOutMse < best.heldOutMse!)) best = r;
    if (best) wins.set(best.model, wins.get(best.model)! + 1);
  }
  return models.map((model) => {
    const fitted = rows.filter((r) => r.model === model && r.heldOutMse !== null);
    const mses = fitted.map((r) => r.heldOutMse!);
    return {
      model,
      curves: fitted.length,
      meanHeldOutMse: mean(mses),
      medianHeldOutMse: median(mses),
      meanLastAnchorError: mean(fitted.map((r) => r.lastAnchorError!)),
      wins: wins.get(model)!,
    };
  });
}
