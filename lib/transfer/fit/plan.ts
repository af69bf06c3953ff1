// Which curves a run fits, in which order: one list shared by the Fit step (which fits them) and the Transfer
// step (which reads those fits back from curves.json), so the two can never disagree about what exists.
import type { RunConfig } from '../../config.ts';
import type { FitIdentity } from '../../results.ts';
import type { PointSpec, SplitKind } from '../../types.ts';
import { allCurve, contextualCurve, jointCurve, pairwiseCurve, singleCurve, type SelectedCurve } from '../curveData.ts';
import type { CompletedPoint } from '../observations.ts';
import { isPlacebo } from '../../data/placebo.ts';

/** One curve the run fits. Its data are selected on first use (selection scans every point; Transfer rarely needs it). */
export interface PlannedFit extends FitIdentity {
  /** random (joint fit): the source tasks, in the order of the s_<source> parameters. */
  sources?: string[];
  /** The observations of this curve (memoised). */
  select(): SelectedCurve;
}

/** The fits of one task under one split kind. */
export interface TaskFits {
  task: string;
  single?: PlannedFit;
  all?: PlannedFit;
  contextual?: PlannedFit;
  /** The contextual surface with the placebo copies of the other tasks as context (source PLACEBO_CONTEXT). */
  contextualPlacebo?: PlannedFit;
}

/** The `source` of a contextual fit whose context is the placebo copies of the other tasks. */
export const PLACEBO_CONTEXT = 'placebo context';

export interface SplitFits {
  split: SplitKind;
  tasks: TaskFits[];
  /** One per ordered pair (source → target) of the plan's pairwise grids. */
  pairwise: PlannedFit[];
  /** One joint fit per target of the random design. */
  joint: PlannedFit[];
}

/** Identifies a fit within a run: the same key on the planned fit and on its CurveFit in curves.json. */
export const fitKey = (f: Pick<FitIdentity, 'design' | 'split' | 'task' | 'source'>): string =>
  [f.design, f.split, f.task, f.source ?? ''].join('\u0000');

/** Target tasks of the plan (placebo copies are sources only) in order of first appearance. */
export function tasksOf(points: PointSpec[]): string[] {
  return [...new Set(points.flatMap((p) => Object.keys(p.sizes)))].filter((t) => !isPlacebo(t));
}

/** Whether the plan has a contextual placebo surface for `task` under `split`. */
function hasPlaceboContext(points: PointSpec[], split: SplitKind, task: string): boolean {
  return points.some((p) => p.split === split && p.uses.some((u) => u.design === 'contextual' && u.focus === task && u.placebo));
}

/** Split kinds of the config that the plan uses, in config order. */
export function splitsOf(config: RunConfig, points: PointSpec[]): SplitKind[] {
  const present = new Set(points.map((p) => p.split));
  return config.split.kinds.filter((k) => present.has(k));
}

/** Ordered pairs (source, target) the plan's pairwise grids cover, per split. */
function plannedPairs(points: PointSpec[], split: SplitKind): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const p of points) {
    if (p.split !== split) continue;
    for (const u of p.uses) if (u.design === 'pairwise' && u.focus && u.source) seen.set(`${u.source}\u0000${u.focus}`, [u.source, u.focus]);
  }
  return [...seen.values()];
}

function planned(fit: Omit<PlannedFit, 'select'>, selectOnce: () => SelectedCurve): PlannedFit {
  let selected: SelectedCurve | undefined;
  return { ...fit, select: () => (selected ??= selectOnce()) };
}

/**
 * The fits of a run, per split kind (config order) and task (plan order): EXP3 of the single-task and
 * all-task curves, EXP3.2 of the contextual surface, the pairwise EXP3.2 of every ordered pair the plan's
 * grids cover, and per target the joint model of the random design over the tasks that design trained.
 */
export function planFits(config: RunConfig, points: PointSpec[], completed: CompletedPoint[]): SplitFits[] {
  const designs = new Set(config.study.designs);
  const tasks = tasksOf(points);
  return splitsOf(config, points).map((split) => ({
    split,
    tasks: tasks.map((task) => ({
      task,
      ...(designs.has('single') ? { single: planned({ task, design: 'single', split, model: 'exp3' }, () => singleCurve(completed, split, task)) } : {}),
      ...(designs.has('all') ? { all: planned({ task, design: 'all', split, model: 'exp3' }, () => allCurve(completed, split, task)) } : {}),
      ...(designs.has('contextual')
        ? { contextual: planned({ task, design: 'contextual', split, model: 'exp3.2' }, () => contextualCurve(completed, split, task)) }
        : {}),
      ...(designs.has('contextual') && hasPlaceboContext(points, split, task)
        ? {
            contextualPlacebo: planned({ task, design: 'contextual', split, model: 'exp3.2', source: PLACEBO_CONTEXT }, () =>
              contextualCurve(completed, split, task, true),
            ),
          }
        : {}),
    })),
    pairwise: designs.has('pairwise')
      ? plannedPairs(points, split).map(([source, target]) =>
          planned({ task: target, design: 'pairwise', split, model: 'pairwise', source }, () => pairwiseCurve(completed, split, source, target)),
        )
      : [],
    joint: designs.has('random') ? jointFits(completed, split, tasks) : [],
  }));
}

/** Random design: per target i, one joint fit over every random-design point, with every other task it trained as a source. */
function jointFits(completed: CompletedPoint[], split: SplitKind, tasks: string[]): PlannedFit[] {
  const randomPoints = completed.filter((c) => c.spec.split === split && c.spec.uses.some((u) => u.design === 'random'));
  if (randomPoints.length === 0) return [];
  const present = tasks.filter((t) => randomPoints.some((c) => (c.spec.sizes[t] ?? 0) > 0));
  return present
    .map((target) => ({ target, sources: present.filter((t) => t !== target) }))
    .filter(({ sources }) => sources.length > 0)
    .map(({ target, sources }) => planned({ task: target, design: 'random', split, model: 'joint', sources }, () => jointCurve(completed, split, target, sources)));
}

/** Every planned fit in the order curves.json lists them: per split, each task's single/all/contextual, then pairs, then joint fits. */
export function fitsInOrder(plan: SplitFits[]): PlannedFit[] {
  return plan.flatMap((s) => [
    ...s.tasks.flatMap((t) => [t.single, t.all, t.contextual, t.contextualPlacebo].filter((f): f is PlannedFit => f !== undefined)),
    ...s.pairwise,
    ...s.joint,
  ]);
}
