// Contextual transfer: s_i of each task with its bootstrap CI, coloured by verdict, sorted (a forest plot).
import type { ContextualTransfer } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import { VEGA_LITE_SCHEMA, verdictScale, type ChartDef } from './chart.ts';

export function forestChart(rows: readonly ContextualTransfer[], split: SplitKind): ChartDef | undefined {
  const mine = rows.filter((r) => r.split === split && Number.isFinite(r.s));
  if (mine.length === 0) return undefined;
  const sorted = [...mine].sort((p, q) => q.s - p.s);
  const values = sorted.map((r) => ({ task: r.task, s: r.s, lo: r.ci[0], hi: r.ci[1], p: r.p, verdict: r.verdict }));
  const y = { field: 'task', type: 'nominal' as const, sort: sorted.map((r) => r.task), title: null };
  const scale = forestScale(values.flatMap((v) => [v.s, v.lo, v.hi]), values.map((v) => v.s));
  return {
    name: `contextual-forest-${split}`,
    title: `Contextual transfer s_i, ${split} split`,
    caption:
      "Each row is one task: s_i, the rate at which the other tasks' samples raise its curve (EXP3.2), with its bootstrap CI. Right of 0: positive transfer; left: negative. Colour: the verdict of the nested test.",
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: 420,
      height: { step: 22 },
      layer: [
        { mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', scale }, x2: { field: 'hi' }, color: { field: 'verdict', type: 'nominal', scale: verdictScale, title: 'verdict' } } },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 's', type: 'quantitative', title: `s_i (per auxiliary sample)${scale.type === 'symlog' ? ', symmetric-log scale' : ''}`, axis: { format: '.2~g' }, scale },
            color: { field: 'verdict', type: 'nominal', scale: verdictScale, title: 'verdict' },
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
