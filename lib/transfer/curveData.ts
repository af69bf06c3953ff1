// Which observations feed which curve: the data of every fit, selected by the design roles of the points.
import type { CurveData } from '../curves/data.ts';
import type { SplitKind } from '../types.ts';
import type { CompletedPoint } from './observations.ts';

/** The data of one fit, with the replicate group (fold × seed) of each point for the bootstrap. */
export interface SelectedCurve {
  data: CurveData;
  /** Observations left out because the AUROC is undefined (a test set with one class). */
  undefinedY: number;
}

/** The replicate group (fold × seed) of a point: the label every fit's jackknife and bootstrap use. */
export const replicateGroupOf = (c: CompletedPoint) => `f${c.spec.fold}s${c.spec.seed}`;

function collect(
  points: CompletedPoint[],
  task: string,
  row: (c: CompletedPoint) => { nOther?: number; nSources?: number[] },
): SelectedCurve {
  const data: CurveData & { group: string[] } = { n: [], y: [], group: [] };
  let undefinedY = 0;
  for (const c of points) {
    const y = c.result.metrics[task]?.auroc;
    if (y === undefined) continue;
    if (y === null || !Number.isFinite(y)) {
      undefinedY++;
      continue;
    }
    data.n.push(c.spec.sizes[task]);
    data.y.push(y);
    data.group.push(replicateGroupOf(c));
    const extra = row(c);
    if (extra.nOther !== undefined) (data.nOther ??= []).push(extra.nOther);
    if (extra.nSources !== undefined) (data.nSources ??= []).push(extra.nSources);
  }
  return { data, undefinedY };
}

const inSplit = (points: CompletedPoint[], split: SplitKind) => points.filter((c) => c.spec.split === split);

/** Single-task curve of `task`: the points of the `single` design that train it alone. Columns: n. */
export function singleCurve(points: CompletedPoint[], split: SplitKind, task: string): SelectedCurve {
  const chosen = inSplit(points, split).filter(
    (c) => c.spec.uses.some((u) => u.design === 'single') && Object.keys(c.spec.sizes).length === 1 && (c.spec.sizes[task] ?? 0) > 0,
  );
  return collect(chosen, task, () => ({}));
}

/** All-task curve of `task`: the points of the `all` design (every task at min(n, full)). Columns: n. */
export function allCurve(points: CompletedPoint[], split: SplitKind, task: string): SelectedCurve {
  const chosen = inSplit(points, split).filter((c) => c.spec.uses.some((u) => u.design === 'all') && (c.spec.sizes[task] ?? 0) > 0);
  return collect(chosen, task, () => ({}));
}

/**
 * Contextual surface of focus `task`: columns n = n_i and nOther = n_Σ(i) = Σ_{j≠i} n_j. With `placebo`, the surface
 * whose context is the placebo copies of the other tasks (the control of s_i).
 */
export function contextualCurve(points: CompletedPoint[], split: SplitKind, task: string, placebo = false): SelectedCurve {
  const chosen = inSplit(points, split).filter((c) => c.spec.uses.some((u) => u.design === 'contextual' && u.focus === task && (u.placebo === true) === placebo));
  return collect(chosen, task, (c) => ({ nOther: sumOthers(c.spec.sizes, task) }));
}

/** Pairwise grid of source → target: columns n = n_target and nOther = n_source. */
export function pairwiseCurve(points: CompletedPoint[], split: SplitKind, source: string, target: string): SelectedCurve {
  const chosen = inSplit(points, split).filter((c) => c.spec.uses.some((u) => u.design === 'pairwise' && u.focus === target && u.source === source));
  return collect(chosen, target, (c) => ({ nOther: c.spec.sizes[source] ?? 0 }));
}

/** Random-design data of target `task`: column n = n_i and nSources[j] = n_j for each other task j (in `sources` order). */
export function jointCurve(points: CompletedPoint[], split: SplitKind, task: string, sources: string[]): SelectedCurve {
  const chosen = inSplit(points, split).filter((c) => c.spec.uses.some((u) => u.design === 'random') && (c.spec.sizes[task] ?? 0) > 0);
  const selected = collect(chosen, task, (c) => ({ nSources: sources.map((s) => c.spec.sizes[s] ?? 0) }));
  selected.data.sourceNames = [...sources];
  return selected;
}

function sumOthers(sizes: Record<string, number>, task: string): number {
  let total = 0;
  for (const [t, n] of Object.entries(sizes)) if (t !== task) total += n;
  return total;
}
