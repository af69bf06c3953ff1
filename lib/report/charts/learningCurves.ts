// Per task: single-task and all-task learning curves — observed spread over seeds × folds and the fitted EXP3 line with its band.
import type { CurvesFile } from '../../results.ts';
import type { DesignName, SplitKind } from '../../types.ts';
import { exp3, exp3Band, exp3Params, logGrid, type BandSource } from '../curve.ts';
import { groupBy, spread } from '../stats.ts';
import { logNAxis, observedNs, onlyKind, taskPanels, type ChartDef } from './chart.ts';

const APPROACH: Partial<Record<DesignName, string>> = { single: 'single-task', all: 'all tasks' };

export interface LearningCurveRow {
  kind: 'obs' | 'fit' | 'band' | 'note';
  task: string;
  approach: string;
  n?: number;
  /** kind 'note': the text printed in the task's panel (a failed fit). */
  note?: string;
  y?: number;
  lo?: number;
  hi?: number;
  count?: number;
}

/** Rows for the chart: observed mean and min–max per n, and, for each successful EXP3 fit, its line and band. */
export function learningCurveRows(curves: CurvesFile, split: SplitKind): { rows: LearningCurveRow[]; bandSources: Set<BandSource> } {
  const rows: LearningCurveRow[] = [];
  const bandSources = new Set<BandSource>();
  const obs = curves.observations.filter((o) => o.split === split && APPROACH[o.design] && o.y !== null);
  const range = new Map<string, { min: number; max: number }>();
  for (const [key, group] of groupBy(obs, (o) => `${o.task}\u0000${o.design}\u0000${o.n}`)) {
    const [task, design] = key.split('\u0000');
    const s = spread(group.map((o) => o.y as number));
    rows.push({ kind: 'obs', task, approach: APPROACH[design as DesignName]!, n: group[0].n, y: s.mean, lo: s.min, hi: s.max, count: s.count });
    const r = range.get(`${task}\u0000${design}`) ?? { min: Infinity, max: -Infinity };
    range.set(`${task}\u0000${design}`, { min: Math.min(r.min, group[0].n), max: Math.max(r.max, group[0].n) });
  }
  for (const fit of curves.fits) {
    if (fit.split !== split || fit.model !== 'exp3' || !APPROACH[fit.design]) continue;
    const params = exp3Params(fit);
    const r = range.get(`${fit.task}\u0000${fit.design}`);
    if (fit.status === 'failed') {
      // a failed fit draws no line; its panel says so (one note per panel) and the warning box says why
      const note = rows.find((row) => row.kind === 'note' && row.task === fit.task);
      if (note) note.note = `${note.note!.replace(/ fit failed: no curve$/, '')} and ${APPROACH[fit.design]} fits failed: no curves`;
      else rows.push({ kind: 'note', task: fit.task, approach: APPROACH[fit.design]!, note: `${APPROACH[fit.design]} fit failed: no curve` });
      continue;
    }
    if (!params || !r) continue;
    const ns = logGrid(r.min, r.max);
    const approach = APPROACH[fit.design]!;
    ns.forEach((n) => rows.push({ kind: 'fit', task: fit.task, approach, n, y: exp3(params, n) }));
    const band = exp3Band(fit, ns);
    if (band) {
      bandSources.add(band.source);
      ns.forEach((n, k) => rows.push({ kind: 'band', task: fit.task, approach, n, lo: band.lo[k], hi: band.hi[k] }));
    }
  }
  clipBands(rows);
  return { rows, bandSources };
}

/**
 * Cuts each task's bands at its panel's edges: the observed and fitted range padded by half its height, within
 * [0, 1] (AUROC). A wide band then runs off the panel instead of squashing the curves into a line.
 */
export function clipBands(rows: LearningCurveRow[]): void {
  const span = new Map<string, { min: number; max: number }>();
  for (const r of rows) {
    if (r.kind !== 'obs' && r.kind !== 'fit') continue;
    const s = span.get(r.task) ?? { min: Infinity, max: -Infinity };
    for (const v of [r.y, r.lo, r.hi]) if (v !== undefined && Number.isFinite(v)) (s.min = Math.min(s.min, v), s.max = Math.max(s.max, v));
    span.set(r.task, s);
  }
  for (const r of rows) {
    const s = span.get(r.task);
    if (r.kind !== 'band' || !s || !Number.isFinite(s.min)) continue;
    const pad = Math.max(0.02, (s.max - s.min) / 2);
    const [lo, hi] = [Math.max(0, s.min - pad), Math.min(1, s.max + pad)];
    r.lo = Math.min(hi, Math.max(lo, r.lo!));
    r.hi = Math.min(hi, Math.max(lo, r.hi!));
  }
}

export function learningCurvesChart(curves: CurvesFile, split: SplitKind, taskOrder: readonly string[]): ChartDef | undefined {
  const { rows, bandSources } = learningCurveRows(curves, split);
  if (!rows.some((r) => r.kind === 'obs')) return undefined;
  const tasks = taskOrder.filter((t) => rows.some((r) => r.task === t));
  const x = logNAxis('training compounds n', observedNs(rows));
  const color = { field: 'approach', type: 'nominal' as const, title: null, scale: { domain: ['single-task', 'all tasks'], range: ['#d95f02', '#1f78b4'] } };
  const band =
    bandSources.size === 0
      ? 'no confidence band was available'
      : bandSources.has('bootstrap') && bandSources.size === 1
        ? 'shaded: pointwise bootstrap band of the fit, cut at the panel edges'
        : 'shaded: band from the parameter confidence intervals (conservative), cut at the panel edges';
  return {
    name: `learning-curves-${split}`,
    title: `Learning curves, ${split} split`,
    caption: `Held-out AUROC against the task's training size (log scale). Dots: mean over seeds × folds; bars: min–max. Lines: fitted EXP3 curves; ${band}. A fit that failed draws no line (see the warnings).`,
    spec: taskPanels(rows, tasks, [
      { transform: onlyKind('band'), mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      { transform: onlyKind('fit'), mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'y', type: 'quantitative', title: 'AUROC', scale: { zero: false } }, color } },
      { transform: onlyKind('obs'), mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      { transform: onlyKind('obs'), mark: { type: 'point', filled: true, size: 28, opacity: 0.9 }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color } },
      {
        transform: onlyKind('note'),
        mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 10, fontWeight: 'bold', color: '#a5281b' },
        encoding: { x: { value: 4 }, y: { value: 4 }, text: { field: 'note', type: 'nominal' } },
      },
    ]),
  };
}
