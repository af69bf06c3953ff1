// Single vs all: the all-task minus single-task AUROC of each task along n (from the fitted curves), with the
// replicate-level interval of the gap at each n and its FDR verdict.
import type { SingleVsAll } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import { VEGA_LITE_SCHEMA, logNAxis, type ChartDef } from './chart.ts';

export function gapChart(rows: readonly SingleVsAll[], split: SplitKind): ChartDef | undefined {
  const values = rows
    .filter((r) => r.split === split)
    .flatMap((r) =>
      r.byN
        .filter((b) => b.gap !== null && Number.isFinite(b.gap))
        .map((b) => ({ task: r.task, n: b.n, gap: b.gap as number, ...(b.ci ? { lo: b.ci[0], hi: b.ci[1] } : {}), called: b.verdict === 'positive' || b.verdict === 'negative' ? 'yes' : 'no' })),
    );
  if (values.length === 0) return undefined;
  const x = logNAxis('training compounds n', [...new Set(values.map((v) => v.n))].sort((p, q) => p - q));
  const color = { field: 'task', type: 'nominal' as const, title: 'task' };
  return {
    name: `single-vs-all-${split}`,
    title: `All tasks minus single task, ${split} split`,
    caption:
      "AUROC(all tasks) − AUROC(single task) of the fitted curves at each training size of the task, with its replicate-level t interval (paired jackknife over fold × seed replicates). Above 0: training with the other tasks helps; below 0: it hurts. A filled point: significant at the study's false discovery rate (Benjamini–Hochberg over every task and n of the split); open: not.",
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: 380,
      height: 220,
      layer: [
        { mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: 'quantitative' } } },
        { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { field: 'gap', type: 'quantitative', title: 'AUROC gap' }, color } },
        {
          mark: { type: 'point', size: 45, strokeWidth: 1.5 },
          encoding: { x, y: { field: 'gap', type: 'quantitative' }, color, fill: { condition: { test: "datum.called === 'yes'", field: 'task', type: 'nominal' }, value: 'white' } },
        },
      ],
    },
  };
}
