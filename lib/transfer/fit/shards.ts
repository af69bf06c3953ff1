// The Fit step cut into shards that fit independently (one Lambda each on AWS) and merge into one curves.json.
// A shard is one target task under one split kind: its single/all EXP3, its contextual EXP3.2, every pairwise fit
// targeting it and its joint fit, plus the LCDB comparison of its single-task curve. Pairwise fits grow as K², so
// per-target shards keep each one O(K) while the whole run grows with the number of shards.
import { idFromName, SHARD_TASK } from '../../ids.ts';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../design/index.ts';
import { ComputationError } from '../../errors.ts';
import type { FitShardResult } from '../../documents.ts';
import type { CurveFit, CurvesFile, FitFailure } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import type { AnalyseInput } from '../analyseInput.ts';
import { compareSingleTaskModels } from '../comparison.ts';
import { fitKey, fitsInOrder, planFits, type PlannedFit, type SplitFits } from './plan.ts';
import { fitOptionsOf, fitPlanned } from './planned.ts';
import { matchResults, observationsOf, type CompletedPoint } from '../observations.ts';

/** The planned fits of one shard, in the order curves.json lists them. */
export interface FitShard {
  id: string;
  split: SplitKind;
  task: string;
  fits: PlannedFit[];
  /** The task's single-task curve (compared with POW3, POW4, MMF4, last1 as in LCDB), when the study has one. */
  single?: PlannedFit;
}

/**
 * The stable id of the shard of `task` under `split`: `<split>.<task>` when the task id is safe in an S3 key and a
 * state-machine item (A-Z a-z 0-9 . _ -, at most 64), else `<split>.<slug>-<first 8 hex of sha256(task)>`.
 */
export function shardIdOf(split: SplitKind, task: string): string {
  return `${split}.${SHARD_TASK.test(task) ? task : idFromName(task, { fill: '_', max: 40, hexDigits: 8 })}`;
}

/** The shards of a fit plan, per split (config order) and task (plan order); a task with no fit under a split has no shard. */
export function shardsOf(plan: SplitFits[]): FitShard[] {
  const shards: FitShard[] = [];
  for (const s of plan) {
    for (const t of s.tasks) {
      const fits = [t.single, t.all, t.contextual, t.contextualPlacebo, ...s.pairwise.filter((f) => f.task === t.task), ...s.joint.filter((f) => f.task === t.task)].filter(
        (f): f is PlannedFit => f !== undefined,
      );
      if (fits.length) shards.push({ id: shardIdOf(s.split, t.task), split: s.split, task: t.task, fits, ...(t.single ? { single: t.single } : {}) });
    }
  }
  const seen = new Set<string>();
  for (const sh of shards) {
    if (seen.has(sh.id)) throw new ComputationError(`two fit shards have the id '${sh.id}' (task ids that differ only in characters unsafe in keys)`);
    seen.add(sh.id);
  }
  const covered = shards.reduce((n, sh) => n + sh.fits.length, 0);
  if (covered !== fitsInOrder(plan).length) throw new ComputationError(`the fit shards cover ${covered} fits of ${fitsInOrder(plan).length} planned: a fit targets a task outside the plan`);
  return shards;
}

/**
 * Identifies what a run's fits are computed from: sha256 of the canonical JSON of the run config, the planned point
 * ids and the sorted ids of the completed points. Equal hashes ⇒ every shard sees the same curves.
 */
export function fitInputsHash(input: AnalyseInput, completed: CompletedPoint[] = matchResults(input.points, input.results).completed): string {
  const doc = { config: input.config, planned: input.points.map((p) => p.id), completed: completed.map((c) => c.spec.id).sort() };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex').slice(0, 32);
}

/** A run's fit plan, derived once per process from its analysis input: what every shard and the merge work from. */
export interface RunFitPlan {
  completed: CompletedPoint[];
  plan: SplitFits[];
  shards: FitShard[];
  /** fitInputsHash of the input. */
  inputs: string;
}

/**
 * The run's completed points, fit plan, shards and inputs hash. `inputs`: the hash PlanFits stored beside the input
 * (the shards and the merge read it instead of hashing the whole input again); computed when not given.
 */
export function planShards(input: AnalyseInput, inputs?: string): RunFitPlan {
  const { completed } = matchResults(input.points, input.results);
  const plan = planFits(input.config, input.points, completed);
  return { completed, plan, shards: shardsOf(plan), inputs: inputs ?? fitInputsHash(input, completed) };
}

const listed = (ids: string[], max = 8) => ids.slice(0, max).join(', ') + (ids.length > max ? `, … (${ids.length} in all)` : '');

/**
 * Fits one shard exactly as the unsharded Fit step fits those curves (fitPlanned; each fit's bootstrap seed is
 * derived from the fit's identity, so a shard's results do not depend on which other fits run in the same process).
 */
export function fitShard(input: AnalyseInput, run: RunFitPlan, shardId: string): FitShardResult {
  const shard = run.shards.find((s) => s.id === shardId);
  if (!shard) throw new ComputationError(`run '${input.runId}' has no fit shard '${shardId}'; its shards are: ${listed(run.shards.map((s) => s.id)) || 'none'}`);
  return fitPlannedShard(shard, input, run.inputs);
}

function fitPlannedShard(shard: FitShard, input: AnalyseInput, inputs: string): FitShardResult {
  const options = fitOptionsOf(input.config);
  const failed: FitFailure[] = [];
  const fits = shard.fits.map((planned) => fitPlanned(planned, options, failed));
  const comparison = shard.single ? compareSingleTaskModels([{ task: shard.task, split: shard.split, selected: shard.single.select() }]) : [];
  return { shardId: shard.id, split: shard.split, task: shard.task, inputs, fits, failed, comparison };
}

/** Every shard of the run fitted in this process, in canonical order. */
export function fitAllShards(input: AnalyseInput, run: RunFitPlan = planShards(input)): FitShardResult[] {
  return run.shards.map((s) => fitPlannedShard(s, input, run.inputs));
}

/**
 * curves.json from the fitted shards (any order): the observations, every fit in the canonical order of fitsInOrder
 * (per split, each task's single/all/contextual, then pairs, then joint fits), the LCDB comparison per split and
 * task, and the failures in the order of their fits. Missing, unknown, duplicate or stale shards (fitted from other
 * points) are a ComputationError naming them.
 */
export function mergeFits(input: AnalyseInput, run: RunFitPlan, shards: FitShardResult[]): CurvesFile {
  const { completed, plan, shards: planned, inputs } = run;
  const byId = new Map<string, FitShardResult>();
  const duplicate: string[] = [];
  for (const s of shards) {
    if (byId.has(s.shardId)) duplicate.push(s.shardId);
    byId.set(s.shardId, s);
  }
  const missing = planned.filter((p) => !byId.has(p.id)).map((p) => p.id);
  const plannedIds = new Set(planned.map((p) => p.id));
  const unknown = shards.filter((s) => !plannedIds.has(s.shardId)).map((s) => s.shardId);
  const stale = shards.filter((s) => plannedIds.has(s.shardId) && s.inputs !== inputs).map((s) => s.shardId);
  const problems = [
    missing.length ? `missing fit shard(s) ${listed(missing)} (run the Fit shards again)` : '',
    unknown.length ? `fit shard(s) not in the plan: ${listed(unknown)}` : '',
    duplicate.length ? `fit shard(s) given twice: ${listed(duplicate)}` : '',
    stale.length ? `fit shard(s) fitted from other points (run them again): ${listed(stale)}` : '',
  ].filter(Boolean);
  if (problems.length) throw new ComputationError(`run '${input.runId}': cannot merge the fits: ${problems.join('; ')}`);

  const fitsByKey = new Map<string, CurveFit>();
  const failedByKey = new Map<string, FitFailure[]>();
  for (const s of byId.values()) {
    for (const f of s.fits) fitsByKey.set(fitKey(f), f);
    for (const f of s.failed) failedByKey.set(fitKey(f), [...(failedByKey.get(fitKey(f)) ?? []), f]);
  }
  const order = fitsInOrder(plan);
  const absent = order.filter((p) => !fitsByKey.has(fitKey(p)));
  if (absent.length) {
    const what = absent.map((p) => `${p.design} ${p.source ? `${p.source} → ` : ''}${p.task} (${p.split})`);
    throw new ComputationError(`run '${input.runId}': the fit shards lack ${absent.length} planned fit(s): ${listed(what)}`);
  }
  const fits = order.map((p) => fitsByKey.get(fitKey(p))!);
  const failed = order.flatMap((p) => failedByKey.get(fitKey(p)) ?? []);
  const comparison = planned.flatMap((p) => byId.get(p.id)!.comparison);
  return { runId: input.runId, metric: 'auroc', observations: observationsOf(completed), fits, comparison, failed };
}

/**
 * curves.json of a run in one process: per split kind and task, EXP3 of the single-task and all-task curves and
 * EXP3.2 of the contextual surface; per ordered pair the pairwise EXP3.2 of its grid; per target the joint fit of the
 * random design. Every fit carries its leave-one-replicate-out refits; EXP3 fits group-bootstrap intervals and a
 * pointwise band of P(n); transfer models the F-test of each rate. A fit
 * or test that cannot be made is kept (status 'failed', `failed[]`), never thrown. Equal to mergeFits over fitShard
 * of every shard (what the Fit step's Lambdas do on AWS).
 */
export function fitRun(input: AnalyseInput): CurvesFile {
  const run = planShards(input);
  return mergeFits(input, run, fitAllShards(input, run));
}
