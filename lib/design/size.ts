// The size and price of a study, known before anything trains: how many trainings, how many of them are still to
// run, and an estimate of their compute from measured seconds per point (docs/methods.md, "Study size").
import type { RunConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { PointSpec } from '../types.ts';

/**
 * Seconds of one point on one core (wasm, the batched trainer), as a function of its rows: a fixed part (the
 * checks' floor, patience) and a part that grows with the rows it trains. Fitted by least squares to the 540
 * unprobed points of the default study (KIBA top-3, one process per core on a 2-core EPYC, each point's share
 * of its program): mean 2.1 s, ~480 steps per point; the rows barely matter any more (the batched trainer's
 * step costs about the same at 16 rows as at 128).
 */
export const SECONDS_PER_POINT = { base: 2.1, perRow: 0.000015 };

export interface StudySize {
  /** Trainings the plan holds, and those not computed yet. */
  points: number;
  pending: number;
  /** Estimated compute of the pending points, one core each (seconds). */
  estimatedSeconds: number;
}

/** Seconds per optimisation step of a snapshot-branch job (wasm, one core; a job's seconds against its steps over
 * the 40 jobs of docs/examples/kiba-top8-lookahead.json at the defaults: 3.9 ms a step, 7.9 s a job; 4.7 ms on
 * the default study's jobs at n₀ 64, Δ 64; 7.0 ms before the kernels of docs/methods.md "Batched training"). */
export const SECONDS_PER_BRANCH_STEP = 0.0039;

/** The base training stops early: ~375 steps a job on average in those 40 jobs (budget 1,000). */
const TYPICAL_BASE_STEPS = 400;

export function estimatePointSeconds(spec: Pick<PointSpec, 'sizes' | 'probes'>): number {
  const look = spec.probes?.lookahead;
  if (look) {
    const branches = 1 + Object.keys(spec.sizes).length;
    return SECONDS_PER_BRANCH_STEP * (Math.min(look.baseSteps, TYPICAL_BASE_STEPS) + branches * look.branchSteps);
  }
  let rows = 0;
  for (const n of Object.values(spec.sizes)) rows += n;
  return SECONDS_PER_POINT.base + SECONDS_PER_POINT.perRow * rows;
}

export function studySize(points: readonly PointSpec[], pending: ReadonlySet<string>): StudySize {
  let estimatedSeconds = 0;
  for (const p of points) if (pending.has(p.id)) estimatedSeconds += estimatePointSeconds(p);
  return { points: points.length, pending: pending.size, estimatedSeconds: Math.round(estimatedSeconds) };
}

/** Refuses a plan bigger than `execution.maxPoints`, saying what to change. */
export function checkStudySize(config: RunConfig, points: number): void {
  const max = config.execution.maxPoints;
  if (points <= max) return;
  throw new ConfigError([
    {
      field: 'execution.maxPoints',
      message:
        `this study plans ${points} trainings, more than execution.maxPoints = ${max}: raise execution.maxPoints if you mean it, ` +
        'or make the study smaller (fewer tasks, seeds, test folds or designs, a larger study.grid.factor, explicit study.pairs, fewer placebo sources)',
    },
  ]);
}

/** A human line: "545 trainings (545 to run), ≈ 35 CPU-minutes". */
export function describeStudySize(size: StudySize): string {
  const minutes = size.estimatedSeconds / 60;
  const compute = minutes < 120 ? `${Math.max(1, Math.round(minutes))} CPU-minutes` : `${(minutes / 60).toFixed(1)} CPU-hours`;
  return `${size.points} trainings (${size.pending} to run), ≈ ${compute} of training on one core each`;
}
