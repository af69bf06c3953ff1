// Contextual transfer: s_i of each task with its replicate-level and profile CIs, coloured by the FDR verdict,
// sorted (a forest plot).
import type { ContextualTransfer } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import { profileEnds, verdictLabel } from '../intervals.ts';
import { contextualLabel } from '../controls.ts';
import { VEGA_LITE_SCHEMA, onlyKind, verdictScale, type ChartDef } from './chart.ts';

export interface ForestRow {
  kind: 'estimate' | 'interval' | 'open';
  task: string;
  verdict: string;
  s?: number;
  p?: number;
  /** kind 'interval' / 'open': which interval. */
  interval?: 'replicates' | 'profile';
  lo?: number;
  hi?: number;
  /** kind 'open': where the unbounded end is drawn (the panel's edge) and which way it points. */
  x?: number;
  shape?: 'triangle-left' | 'triangle-right';
}

/**
 * The forest plot's rows: each task's estimate, its replicate-level interval and its profile interval. An unbounded
 * profile end (±∞) is drawn to the edge of the panel — the finite values padded by a tenth of their range — and
 * marked there by a triangle pointing outward. Also returns that x domain (undefined when every end is finite).
 */
export function forestRows(rows: readonly ContextualTransfer[]): { values: ForestRow[]; domain?: [number, number] } {
  const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const all = rows.flatMap((r) => [r.s, ...(r.ci ?? []), ...(profileEnds(r) ?? [])]).filter(finite);
  const open = rows.some((r) => (profileEnds(r) ?? []).some((v) => !Number.isFinite(v)));
  let domain: [number, number] | undefined;
  if (open && all.length) {
    const [min, max] = [Math.min(...all), Math.max(...all)];
    const pad = Math.max((max - min) / 10, Math.abs(max) / 10, 1e-12);
    domain = [Math.min(min, 0) - pad, Math.max(max, 0) + pad];
  }
  const values: ForestRow[] = [];
  for (const r of rows) {
    const verdict = verdictLabel(r.verdict);
    values.push({ kind: 'estimate', task: r.task, verdict, s: r.s, ...(r.p !== null ? { p: r.p } : {}) });
    if (r.ci && finite(r.ci[0]) && finite(r.ci[1])) values.push({ kind: 'interval', interval: 'replicates', task: r.task, verdict, lo: r.ci[0], hi: r.ci[1] });
    const profile = profileEnds(r);
    if (!profile) continue;
    const [lo, hi] = profile;
    values.push({ kind: 'interval', interval: 'profile', task: r.task, verdict, lo: finite(lo) ? lo : domain![0], hi: finite(hi) ? hi : domain![1] });
    if (!finite(lo)) values.push({ kind: 'open', interval: 'profile', task: r.task, verdict, x: domain![0], shape: 'triangle-left' });
    if (!finite(hi)) values.push({ kind: 'open', interval: 'profile', task: r.task, verdict, x: domain![1], shape: 'triangle-right' });
  }
  return { values, ...(domain ? { domain } : {}) };
}

export function forestChart(rows: readonly ContextualTransfer[], split: SplitKind): ChartDef | undefined {
  // A placebo-context row is drawn as its own row next to the real ones (the empirical null).
  const mine = rows.filter((r) => r.split === split && Number.isFinite(r.s)).map((r) => ({ ...r, task: contextualLabel(r) }));
  if (mine.length === 0) return undefined;
  const sorted = [...mine].sort((p, q) => q.s - p.s);
  const { values, domain } = forestRows(sorted);
  const y = { field: 'task', type: 'nominal' as const, sort: sorted.map((r) => r.task), title: null };
  const yOffset = { field: 'interval', type: 'nominal' as const, scale: { domain: ['replicates', 'profile'], paddingInner: 0.5 } };
  const base = forestScale(
    values.flatMap((v) => [v.s, v.lo, v.hi]).filter((v): v is number => v !== undefined && Number.isFinite(v)),
    sorted.map((r) => r.s),
  );
  const scale = domain ? { ...base, domain } : base;
  const color = { field: 'verdict', type: 'nominal' as const, scale: verdictScale, title: 'verdict' };
  const only = (kind: ForestRow['kind']) => onlyKind(kind);
  const undecided = sorted.some((r) => r.verdict === null) ? ' Light grey: no verdict (too few replicates for a replicate-level interval).' : '';
  return {
    name: `contextual-forest-${split}`,
    title: `Contextual transfer s_i, ${split} split`,
    caption:
      "Each row is one task: s_i, the rate at which the other tasks' samples raise its curve (EXP3.2), with two intervals: solid, the replicate-level t interval (jackknife over fold × seed replicates; assumes only that replicates are independent); dashed, the profile interval of the nested F-test, which assumes every point independent and is too narrow when points of one replicate are correlated (a triangle: unbounded on that side). Right of 0: positive transfer; left: negative. Colour: the verdict at the study's false discovery rate (Benjamini–Hochberg q of the replicate-level p)." +
      undecided,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: 420,
      height: 30 * sorted.length,
      layer: [
        { mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
        {
          transform: only('interval'),
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            y,
            yOffset,
            x: { field: 'lo', type: 'quantitative', scale },
            x2: { field: 'hi' },
            color,
            strokeDash: { field: 'interval', type: 'nominal', title: 'interval', scale: { domain: ['replicates', 'profile'], range: [[1, 0], [5, 3]] } },
          },
        },
        { transform: only('open'), mark: { type: 'point', filled: true, size: 60 }, encoding: { y, yOffset, x: { field: 'x', type: 'quantitative', scale }, shape: { field: 'shape', type: 'nominal', scale: null, legend: null }, color } },
        {
          transform: only('estimate'),
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 's', type: 'quantitative', title: `s_i (per auxiliary sample)${base.type === 'symlog' ? ', symmetric-log scale' : ''}`, axis: { format: '.2~g' }, scale },
            color,
          },
        },
      ],
    },
  };
}

/**
 * Linear x scale unless one estimate dwarfs the rest (range over the median |s| above 100, as when one curve
 * saturates): then a symmetric-log scale, linear within ±median|s| and logarithmic beyond, so every task stays readable.
 */
export function forestScale(all: readonly number[], estimates: readonly number[]): { type: 'linear' } | { type: 'symlog'; constant: number } {
  const mags = estimates.map(Math.abs).filter((v) => v > 0 && Number.isFinite(v)).sort((p, q) => p - q);
  if (mags.length < 2) return { type: 'linear' };
  const median = mags[Math.floor((mags.length - 1) / 2)];
  const range = Math.max(...all.filter(Number.isFinite).map(Math.abs));
  return range / median > 100 ? { type: 'symlog', constant: median } : { type: 'linear' };
}
