// Point results generated from known transfer laws: the known answers the analysis must recover.
import type { PointResult, PointSpec, TaskMetrics } from '../types.ts';
import { createRng } from '../stats/rng.ts';

/** The law of one target task i: P_i = c − exp(b − a·n_i − Σ_j s[j]·n_j). */
export interface TransferLaw {
  c: number;
  b: number;
  a: number;
  /** Transfer rate from each source task j (absent = 0). */
  s: Record<string, number>;
}

export interface LawResultsOptions {
  /** Standard deviation of the Gaussian noise added to each AUROC (the seed-to-seed spread). */
  noise: number;
  seed: number;
  /** Seconds charged to each point (default 1). */
  seconds?: number;
  /** Scores attached to the points that carry the matching probe. */
  tag?: Record<string, Record<string, number>>;
  lookahead?: Record<string, Record<string, number>>;
}

/** Expected AUROC of task `task` in a training with the given sizes, under its law (the joint EXP form). */
export function lawAuroc(law: TransferLaw, task: string, sizes: Record<string, number>): number {
  let exponent = law.b - law.a * (sizes[task] ?? 0);
  for (const [source, n] of Object.entries(sizes)) if (source !== task) exponent -= (law.s[source] ?? 0) * n;
  return law.c - Math.exp(exponent);
}

/**
 * One PointResult per planned point: every trained task i gets AUROC = lawAuroc + σ·ε (ε ~ N(0, 1), clipped
 * to [0, 1]); AUPRC and log-loss are left null. Tasks without a law get no metrics (the point is then
 * incomplete for them, like a failed task).
 */
export function pointResultsFromLaws(points: PointSpec[], laws: Record<string, TransferLaw>, options: LawResultsOptions): PointResult[] {
  const draws = createRng(options.seed);
  return points.map((spec) => {
    const metrics: Record<string, TaskMetrics> = {};
    for (const [task, n] of Object.entries(spec.sizes)) {
      const law = laws[task];
      if (!law || n <= 0) continue;
      const y = Math.min(1, Math.max(0, lawAuroc(law, task, spec.sizes) + options.noise * draws.normal()));
      metrics[task] = { auroc: y, auprc: null, logloss: null, nTrain: n, nTest: 100, nTestPositive: 50 };
    }
    const result: PointResult = {
      id: spec.id,
      spec,
      metrics,
      seconds: options.seconds ?? 1,
      backend: 'synthetic',
      device: 'synthetic',
      steps: 0,
      stoppedEarly: false,
      bestSteps: Object.fromEntries(Object.keys(metrics).map((t) => [t, 0])),
      finishedAt: new Date(0).toISOString(),
    };
    if (spec.probes?.tag && options.tag) result.tag = { z: options.tag, seconds: 0.5 };
    if (spec.probes?.lookahead && options.lookahead) result.lookahead = { d: options.lookahead, seconds: 0.25 };
    return result;
  });
}
