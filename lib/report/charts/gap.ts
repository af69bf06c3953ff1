// Single vs all: the all-task minus single-task AUROC of each task along n (from the fitted curves).
import type { SingleVsAll } from '../../results.ts';
import type { SplitKind } from '../../types.ts';
import { VEGA_LITE_SCHEMA, logNAxis, type ChartDef } from './chart.ts';

export function gapChart(rows: readonly SingleVsAll[], split: SplitKind): ChartDef | undefined {
  const values = rows
    .filter((r) => r.split === split)
    .flatMap((r) => r.byN.filter((b) => b.gap !== null && Number.isFinite(b.gap)).map((b) => ({ task: r.task, n: b.n, gap: b.gap as number })));
  if (values.length === 0) return undefined;
  return {
    name: `single-vs-all-${split}`,
    title: `All tasks minus single task, ${split} split`,
    caption: 'AUROC(all tasks) − AUROC(single task) at each training size of the task. Above 0: training with the other tasks helps; below 0: it hurts.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: 380,
      height: 220,
      layer: [
        { mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: 'quantitative' } } },
        {
          mark: { type: 'line', point: true, strokeWidth: 1.8 },
          encoding: { x: logNAxis('training compounds n', [...new Set(values.map((v) => v.n))].sort((p, q) => p - q)), y: { field: 'gap', type: 'quantitative', title: 'AUROC gap' }, color: { field: 'task', type: 'nominal', title: 'task' } },
        },
      ],
    },
  };
}
