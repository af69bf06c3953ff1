// The plan of a study: every training (point) the selected designs need, each once, with a stable id.
import type { RunConfig } from '../config.ts';
import { ComputationError, ConfigError } from '../errors.ts';
import type { DesignName, PointSpec, PointUse, SplitKind } from '../types.ts';
import { DESIGN_ORDER, DESIGNS, allFullSizes, lookaheadJobs, type DesignContext } from './designs.ts';
import { geometricGrid } from './grid.ts';
import { canonicalJson, normaliseSizes, pointId, trainingKey } from './pointId.ts';
import { isPlacebo, placeboName } from '../data/placebo.ts';

/** How many training compounds task `task` has in fold `fold` of split `split` (before any subsampling). */
export interface AvailableCount {
  split: SplitKind;
  fold: number;
  task: string;
  nTrain: number;
}

/** A task whose data could not give the sizes the grid asked for: reported, never silent. */
export interface SizeCap {
  task: string;
  split: SplitKind;
  fold: number;
  requested: number;
  used: number;
}

export interface Plan {
  points: PointSpec[];
  caps: SizeCap[];
}

/** The selected tasks in order of first appearance in `available`. */
function tasksOf(available: AvailableCount[]): string[] {
  return [...new Set(available.map((a) => a.task))];
}

/**
 * Ordered pairs [source, target] of the pairwise design; explicit pairs are checked against the selected tasks.
 * Every target of a pair also gets every placebo source (placebo → target), the null of its pairwise rates.
 */
export function resolvePairs(config: RunConfig, tasks: string[], placebos: string[] = []): [string, string][] {
  const real = resolveRealPairs(config, tasks);
  const targets = [...new Set(real.map(([, target]) => target))];
  return [...real, ...targets.flatMap((target) => placebos.map((p) => [p, target] as [string, string]))];
}

function resolveRealPairs(config: RunConfig, tasks: string[]): [string, string][] {
  const { pairs } = config.study;
  if (pairs === 'all') return tasks.flatMap((target) => tasks.filter((s) => s !== target).map((source) => [source, target] as [string, string]));
  const issues: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  const out: [string, string][] = [];
  pairs.forEach(([source, target], i) => {
    const field = `study.pairs.${i}`;
    const unknown = [source, target].filter((t) => !tasks.includes(t));
    if (unknown.length) issues.push({ field, message: `task(s) ${unknown.map((t) => `'${t}'`).join(', ')} not among the selected tasks (${tasks.join(', ')})` });
    else if (source === target) issues.push({ field, message: `source and target are the same task '${source}'; a pair needs two tasks` });
    else if (seen.has(`${source}\u0000${target}`)) issues.push({ field, message: `pair ['${source}', '${target}'] is listed twice` });
    seen.add(`${source}\u0000${target}`);
    out.push([source, target]);
  });
  if (issues.length) throw new ConfigError(issues);
  return out;
}

function validateConfig(config: RunConfig, tasks: string[]): void {
  const { designs } = config.study;
  if (designs.includes('pairwise') && tasks.length < 2) {
    throw new ConfigError([{ field: 'study.designs', message: `'pairwise' needs at least 2 selected tasks, got ${tasks.length}` }]);
  }
}

/** One count per (split, fold, task) of the study, else a ComputationError saying which is missing or repeated. */
function indexAvailable(config: RunConfig, available: AvailableCount[], tasks: string[]): Map<string, number> {
  const key = (split: string, fold: number, task: string) => `${split}\u0000${fold}\u0000${task}`;
  const index = new Map<string, number>();
  for (const a of available) {
    if (!Number.isInteger(a.nTrain) || a.nTrain < 0) {
      throw new ComputationError(`available count of task '${a.task}' (${a.split} split, fold ${a.fold}) must be a non-negative integer, got ${a.nTrain}`);
    }
    const k = key(a.split, a.fold, a.task);
    if (index.has(k)) throw new ComputationError(`available count of task '${a.task}' (${a.split} split, fold ${a.fold}) is given twice`);
    index.set(k, a.nTrain);
  }
  const byCell = new Map<string, number>();
  for (const split of config.split.kinds)
    for (const fold of config.split.useFolds)
      for (const task of tasks) {
        const n = index.get(key(split, fold, task));
        if (n === undefined) throw new ComputationError(`no available count for task '${task}' in the ${split} split, fold ${fold}`);
        byCell.set(key(split, fold, task), n);
      }
  return byCell;
}

/**
 * Enumerates the points of the study: for each split kind × test fold × seed index 0..R−1, the trainings of
 * every selected design (docs/methods.md), each task's sizes on the geometric grid capped by what it has.
 * Identical trainings (same split, fold, seed and per-task sizes) are merged into one point whose `uses`
 * lists every design role it serves. The all-task training at full size carries the TAG probes when they are
 * enabled (it is added for them even if the `all` design is not selected). The lookahead's jobs (one per target)
 * are trainings of their own kind and never merge with a curve point.
 */
export function enumeratePoints(config: RunConfig, available: AvailableCount[]): Plan {
  const everyTask = tasksOf(available);
  if (everyTask.length === 0) throw new ComputationError('no tasks to plan: the list of available counts is empty');
  const tasks = everyTask.filter((t) => !isPlacebo(t));
  const placebos = new Map(tasks.filter((t) => everyTask.includes(placeboName(t))).map((t) => [t, placeboName(t)]));
  validateConfig(config, tasks);
  const counts = indexAvailable(config, available, everyTask);
  const pairs = config.study.designs.includes('pairwise') ? resolvePairs(config, tasks, [...placebos.values()]) : [];
  const { grid } = config.study;
  const designs = DESIGN_ORDER.filter((d) => config.study.designs.includes(d));
  const probes = probeSpec(config);

  const caps: SizeCap[] = [];
  const merged = new Map<string, { split: SplitKind; fold: number; seed: number; sizes: Record<string, number>; uses: PointUse[]; useKeys: Set<string>; probes?: PointSpec['probes'] }>();
  const add = (split: SplitKind, fold: number, seed: number, sizes: Record<string, number>, use: PointUse) => {
    const norm = normaliseSizes(sizes);
    if (Object.keys(norm).length === 0) return;
    const key = (use.design === 'lookahead' ? 'lookahead\u0000' : '') + trainingKey({ split, fold, seed, sizes: norm });
    let entry = merged.get(key);
    if (!entry) merged.set(key, (entry = { split, fold, seed, sizes: norm, uses: [], useKeys: new Set() }));
    const useKey = canonicalJson(use);
    if (!entry.useKeys.has(useKey)) {
      entry.useKeys.add(useKey);
      entry.uses.push(use);
    }
    return entry;
  };

  for (const split of config.split.kinds) {
    for (const fold of config.split.useFolds) {
      const full = new Map<string, number>();
      const grids = new Map<string, number[]>();
      for (const task of everyTask) {
        const have = counts.get(`${split}\u0000${fold}\u0000${task}`)!;
        const requested = Math.max(grid.min, grid.max === 'full' ? have : grid.max);
        const size = Math.min(grid.max === 'full' ? have : grid.max, have);
        if (requested > size && !isPlacebo(task)) caps.push({ task, split, fold, requested, used: size });
        full.set(task, size);
        grids.set(task, geometricGrid(grid.min, grid.factor, size));
      }
      checkAnchors(config, tasks, grids, split, fold, new Set(pairs.map(([, target]) => target)));
      const ctx: DesignContext = { tasks, placebos, full, grid: grids, config, pairs };
      const requests = designs.flatMap((d) => DESIGNS[d](ctx));
      for (let seed = 0; seed < config.study.seeds; seed++) {
        for (const r of requests) add(split, fold, seed, r.sizes, r.use);
        if (probes && tasks.filter((t) => (full.get(t) ?? 0) > 0).length >= 2) {
          const entry = add(split, fold, seed, allFullSizes(ctx), { design: 'all' });
          if (entry) entry.probes = probes;
        }
        if (config.study.lookahead.enabled && tasks.length >= 2) {
          for (const job of lookaheadJobs(ctx)) {
            const entry = add(split, fold, seed, job.sizes, { design: 'lookahead', focus: job.target });
            if (entry) entry.probes = { lookahead: job.spec };
          }
        }
      }
    }
  }

  const points: PointSpec[] = [...merged.values()].map((e) => ({
    id: pointId({ split: e.split, fold: e.fold, seed: e.seed, sizes: e.sizes, probes: e.probes }, config),
    split: e.split,
    fold: e.fold,
    seed: e.seed,
    sizes: e.sizes,
    ...(e.probes ? { probes: e.probes } : {}),
    uses: e.uses,
  }));
  return { points, caps };
}

/**
 * A curve needs at least as many distinct design cells as its model has parameters: EXP3 (single, all) 3 sizes;
 * EXP3.2 (contextual: sizes × fractions; pairwise: sizes × (source sizes + 0)) 4 cells. Fewer is a config error,
 * not a run whose every fit fails.
 */
function checkAnchors(config: RunConfig, tasks: string[], grids: Map<string, number[]>, split: SplitKind, fold: number, pairTargets: ReadonlySet<string>): void {
  const { designs, contextFractions, grid } = config.study;
  const issues: { field: string; message: string }[] = [];
  const fix = `widen study.grid (min ${grid.min}, max ${grid.max}, factor ${grid.factor}): a smaller min or factor gives more sizes`;
  for (const task of tasks) {
    const sizes = grids.get(task)?.length ?? 0;
    if (sizes === 0) continue; // no compounds in this fold: skipped, reported as a cap
    const where = `task '${task}' (${split} split, test fold ${fold})`;
    if ((designs.includes('single') || designs.includes('all')) && sizes < 3) {
      issues.push({ field: 'study.grid', message: `gives ${where} ${sizes} training size(s); an EXP3 curve needs at least 3: ${fix}` });
    } else if (designs.includes('contextual') && sizes * new Set(contextFractions).size < 4) {
      issues.push({ field: 'study.grid', message: `gives ${where} ${sizes} size(s) × ${contextFractions.length} fractions; an EXP3.2 surface needs at least 4 cells: ${fix}` });
    } else if (pairTargets.has(task) && sizes < 2) {
      issues.push({ field: 'study.grid', message: `gives ${where} ${sizes} training size; a pairwise curve needs at least 2 of the target to tell a_i from b: ${fix}` });
    }
  }
  if (issues.length) throw new ConfigError(issues.slice(0, 5));
}

function probeSpec(config: RunConfig): PointSpec['probes'] | undefined {
  const { tag } = config.study;
  return tag.enabled ? { tag: { every: tag.every, heldOut: tag.heldOut } } : undefined;
}

/** The designs a point serves. */
export function designsOf(point: Pick<PointSpec, 'uses'>): DesignName[] {
  return [...new Set(point.uses.map((u) => u.design))];
}

/** The target of a snapshot-branch job (its lookahead use's focus); undefined for any other point. */
export function lookaheadTarget(point: Pick<PointSpec, 'uses'>): string | undefined {
  return point.uses.find((u) => u.design === 'lookahead')?.focus;
}
