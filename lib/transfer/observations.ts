// From planned points and their results to observations (AUROC per task per point) and the list of what is missing.
import { isPlacebo } from '../data/placebo.ts';
import type { Observation } from '../results.ts';
import type { DesignName, PointResult, PointSpec } from '../types.ts';

export interface MissingPoint {
  pointId: string;
  reason: string;
}

/** A planned point with its result, when there is one. */
export interface CompletedPoint {
  spec: PointSpec;
  result: PointResult;
}

/**
 * The tasks of a point whose metrics the analysis reads: every task of an `all` or `random` point (each is a target
 * there), the focus of a contextual or pairwise point, the task of a single-task point; never a placebo copy. A
 * contextual point trains every task but observes its focus only: the others' metrics feed no curve, and at the
 * paper's scale they would be K − 1 unused observations a point (27,000 points × 229 tasks: more than one JSON
 * document can hold).
 */
export function analysedTasks(spec: PointSpec): string[] {
  const trained = Object.keys(spec.sizes).filter((t) => spec.sizes[t] > 0 && !isPlacebo(t));
  const tasks = new Set<string>();
  for (const u of spec.uses) {
    if (u.design === 'all' || u.design === 'random' || !u.focus) trained.forEach((t) => tasks.add(t));
    else if (trained.includes(u.focus)) tasks.add(u.focus);
  }
  return trained.filter((t) => tasks.has(t));
}

/** A result with the metrics of its analysed tasks only (what the Fit and Transfer steps read of it). */
export function analysedResult(result: PointResult, spec: PointSpec = result.spec): PointResult {
  const keep = new Set(analysedTasks(spec));
  if (Object.keys(result.metrics).every((t) => keep.has(t))) return result;
  return { ...result, metrics: Object.fromEntries(Object.entries(result.metrics).filter(([t]) => keep.has(t))) };
}

/**
 * Matches results to the plan by point id. A planned point without a result, a result whose specification
 * differs from the plan, and a trained task without metrics are listed as missing, with the reason.
 * Results of points that are not in the plan are ignored (they belong to another plan) and listed too.
 */
export function matchResults(plan: PointSpec[], results: PointResult[]): { completed: CompletedPoint[]; missing: MissingPoint[] } {
  const byId = new Map<string, PointResult>();
  for (const r of results) byId.set(r.id, r);
  const planned = new Set(plan.map((p) => p.id));
  const completed: CompletedPoint[] = [];
  const missing: MissingPoint[] = [];
  for (const spec of plan) {
    const result = byId.get(spec.id);
    if (!result) {
      missing.push({ pointId: spec.id, reason: 'no result: the training was not run or failed' });
      continue;
    }
    if (spec.probes?.lookahead) {
      // A lookahead job has branch readings, not test metrics.
      if (!result.lookahead) missing.push({ pointId: spec.id, reason: 'result of a lookahead job has no branch readings' });
    } else {
      const absent = analysedTasks(spec).filter((t) => !result.metrics[t]);
      if (absent.length) missing.push({ pointId: spec.id, reason: `result has no metrics for task(s) ${absent.join(', ')}` });
    }
    completed.push({ spec, result });
  }
  for (const r of results) if (!planned.has(r.id)) missing.push({ pointId: r.id, reason: 'result is not part of this plan (ignored)' });
  return { completed, missing };
}

/**
 * One observation per (point, analysed task: see analysedTasks): y = held-out AUROC; n = the task's training size; nOther =
 * Σ_{j≠i} n_j (n_Σ for contextual points, n_source for pairwise points, 0 alone); `source` names the other
 * task of a two-task point. `design` is the point's first design, `designs` every design it serves.
 */
export function observationsOf(completed: CompletedPoint[]): Observation[] {
  const out: Observation[] = [];
  for (const { spec, result } of completed) {
    const designs = [...new Set(spec.uses.map((u) => u.design))] as DesignName[];
    const trained = Object.keys(spec.sizes).filter((t) => spec.sizes[t] > 0);
    for (const task of analysedTasks(spec)) {
      const metrics = result.metrics[task];
      if (!metrics) continue;
      const others = trained.filter((t) => t !== task);
      out.push({
        pointId: spec.id,
        task,
        design: designs[0],
        designs,
        split: spec.split,
        fold: spec.fold,
        seed: spec.seed,
        n: spec.sizes[task],
        nOther: others.reduce((s, t) => s + spec.sizes[t], 0),
        ...(others.length === 1 ? { source: others[0] } : {}),
        ...(others.length > 0 && others.every(isPlacebo) ? { placeboContext: true as const } : {}),
        y: metrics.auroc,
      });
    }
  }
  return out;
}
