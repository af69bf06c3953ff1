// EXP3.2 slices: the focus task's AUROC against its own n at each amount n_Σ of the other tasks' data, observed and fitted.
import type { CurvesFile } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import { exp32, exp32Params, logGrid } from '../curve.ts';
import { groupBy, spread } from '../stats.ts';
import { logNAxis, observedNs, onlyKind, taskPanels, type ChartDef } from './chart.ts';

export interface SliceRow {
  kind: 'obs' | 'fit';
  task: string;
  nOther: number;
  n: number;
  y: number;
}

/** Observed means per (n_i, n_Σ) and, for each successful EXP3.2 fit, P(n_i) at every observed n_Σ. */
export function contextualSliceRows(curves: CurvesFile, split: SplitKind): SliceRow[] {
  const rows: SliceRow[] = [];
  // The real surface only: placebo-context points and fits are the control, reported in the forest plot.
  const obs = curves.observations.filter((o) => o.split === split && o.design === 'contextual' && !o.placeboContext && o.y !== null && o.nOther !== undefined);
  for (const [, group] of groupBy(obs, (o) => `${o.task}\u0000${o.n}\u0000${o.nOther}`)) {
    const o = group[0];
    rows.push({ kind: 'obs', task: o.task, nOther: o.nOther!, n: o.n, y: spread(group.map((g) => g.y as number)).mean });
  }
  for (const fit of curves.fits) {
    if (fit.split !== split || fit.model !== 'exp3.2' || fit.design !== 'contextual' || fit.source !== undefined) continue;
    const params = exp32Params(fit);
    const mine = obs.filter((o) => o.task === fit.task);
    if (!params || mine.length === 0) continue;
    const ns = logGrid(Math.min(...mine.map((o) => o.n)), Math.max(...mine.map((o) => o.n)));
    for (const m of sliceLevels(mine.map((o) => o.nOther!))) {
      ns.forEach((n) => rows.push({ kind: 'fit', task: fit.task, nOther: m, n, y: exp32(params, n, m) }));
    }
  }
  return rows;
}

/** At most 5 slices are drawn: every distinct n_Σ when there are that few, else 4 spread from the smallest to the largest. */
export function sliceLevels(values: readonly number[]): number[] {
  const levels = [...new Set(values)].sort((p, q) => p - q);
  if (levels.length <= 5) return levels;
  return [...new Set([0, 1, 2, 3].map((k) => levels[Math.round((k * (levels.length - 1)) / 3)]))];
}

export function contextualSlicesChart(curves: CurvesFile, split: SplitKind, taskOrder: readonly string[]): ChartDef | undefined {
  const rows = contextualSliceRows(curves, split);
  if (rows.length === 0) return undefined;
  const tasks = taskOrder.filter((t) => rows.some((r) => r.task === t));
  const x = logNAxis("focus task's training compounds n_i", observedNs(rows));
  const many = new Set(rows.map((r) => r.nOther)).size > 5;
  const color = many
    ? { field: 'nOther', type: 'quantitative' as const, title: 'n_Σ (others)', scale: { scheme: 'viridis' } }
    : { field: 'nOther', type: 'ordinal' as const, title: 'n_Σ (others)', scale: { scheme: 'viridis' } };
  return {
    name: `contextual-slices-${split}`,
    title: `EXP3.2 slices, ${split} split`,
    caption:
      "Colour: the amount n_Σ of the other tasks' training data. Dots: observed mean AUROC; lines: the fitted EXP3.2 surface P = c − exp(b − a·n_i − s·n_Σ) at that n_Σ (at most 5 slices, smallest to largest n_Σ). Lines that rise with n_Σ mean positive transfer.",
    spec: taskPanels(rows, tasks, [
      { transform: onlyKind('fit'), mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { field: 'y', type: 'quantitative', title: 'AUROC', scale: { zero: false } }, color } },
      { transform: onlyKind('obs'), mark: { type: 'point', filled: true, size: 30 }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color } },
    ]),
  };
}
