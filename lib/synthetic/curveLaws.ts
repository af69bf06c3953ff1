// Point results generated from known transfer laws: the known answers the analysis must recover.
import type { LookaheadRecord, PointResult, PointSpec, TaskMetrics } from '../types.ts';
import { createRng } from '../stats/rng.ts';
import { lookaheadTarget } from '../design/enumerate.ts';

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
  /** TAG scores attached to the points that carry the TAG probe. */
  tag?: Record<string, Record<string, number>>;
}

/** Expected AUROC of task `task` in a training with the given sizes, under its law (the joint EXP form). */
export function lawAuroc(law: TransferLaw, task: string, sizes: Record<string, number>): number {
  let exponent = law.b - law.a * (sizes[task] ?? 0);
  for (const [source, n] of Object.entries(sizes)) if (source !== task) exponent -= (law.s[source] ?? 0) * n;
  return law.c - Math.exp(exponent);
}

/**
 * The snapshot branches of a lookahead job as the law would read them, had every branch reached its point:
 * control P(n₀), self P(n₀ + Δ), source j P(n₀, n_j = Δ) (a placebo copy has no law entry: rate 0), each + σ·ε.
 */
function lawBranches(law: TransferLaw, target: string, spec: PointSpec, noise: () => number): LookaheadRecord {
  const { n0, delta } = spec.probes!.lookahead!;
  const read = (sizes: Record<string, number>) => Math.min(1, Math.max(0, lawAuroc(law, target, sizes) + noise()));
  const sources: Record<string, number | null> = {};
  for (const s of Object.keys(spec.sizes).filter((t) => t !== target).sort()) sources[s] = read({ [target]: n0, [s]: delta });
  const control = read({ [target]: n0 });
  return { target, base: control, control, self: read({ [target]: n0 + delta }), sources };
}

/**
 * One PointResult per planned point: every trained task i gets AUROC = lawAuroc + σ·ε (ε ~ N(0, 1), clipped
 * to [0, 1]); AUPRC and log-loss are left null. Tasks without a law get no metrics (the point is then
 * incomplete for them, like a failed task). A lookahead job gets its branch readings from its target's law.
 */
export function pointResultsFromLaws(points: PointSpec[], laws: Record<string, TransferLaw>, options: LawResultsOptions): PointResult[] {
  const draws = createRng(options.seed);
  return points.map((spec) => {
    const metrics: Record<string, TaskMetrics> = {};
    const target = lookaheadTarget(spec);
    const look = spec.probes?.lookahead && target && laws[target] ? lawBranches(laws[target], target, spec, () => options.noise * draws.normal()) : undefined;
    for (const [task, n] of Object.entries(spec.sizes)) {
      const law = laws[task];
      if (look || !law || n <= 0) continue;
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
    if (look) result.lookahead = look;
    return result;
  });
}
