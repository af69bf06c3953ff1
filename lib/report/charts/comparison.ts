// Curve-model comparison: LCDB-style extrapolation error of each curve model (fit on small anchors, error on large ones).
import type { ModelComparison } from '../../results.ts';
import { groupBy, spread } from '../stats.ts';
import { VEGA_LITE_SCHEMA, type ChartDef } from './chart.ts';

export function comparisonChart(rows: readonly ModelComparison[]): ChartDef | undefined {
  const scored = rows.filter((r) => r.heldOutMse !== null && Number.isFinite(r.heldOutMse));
  if (scored.length === 0) return undefined;
  const means = [...groupBy(scored, (r) => r.model)].map(([model, g]) => ({ model, mean: spread(g.map((r) => r.heldOutMse as number)).mean }));
  means.sort((p, q) => p.mean - q.mean);
  const x = { field: 'model', type: 'nominal' as const, sort: means.map((m) => m.model), title: 'curve model', axis: { labelAngle: 0 } };
  const values = [
    ...means.map((m) => ({ kind: 'mean', model: m.model, mse: m.mean })),
    ...scored.map((r) => ({ kind: 'fit', model: r.model, mse: r.heldOutMse as number, label: `${r.task} (${r.design}, ${r.split})` })),
  ];
  return {
    name: 'curve-model-comparison',
    title: 'Curve-model comparison',
    caption:
      'Each model is fitted on the smaller anchors of a curve and scored on the larger ones. Bars: mean squared extrapolation error over the curves; dots: each curve. Lower is better; models are sorted best first.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: { step: 60 },
      height: 220,
      layer: [
        { transform: [{ filter: "datum.kind === 'mean'" }], mark: { type: 'bar', color: '#9ecae1', width: { band: 0.7 } }, encoding: { x, y: { field: 'mse', type: 'quantitative', title: 'held-out MSE (AUROC²)', axis: { format: '.2~g' } } } },
        { transform: [{ filter: "datum.kind === 'fit'" }], mark: { type: 'point', filled: true, size: 30, color: '#08519c', opacity: 0.7 }, encoding: { x, y: { field: 'mse', type: 'quantitative' } } },
      ],
    },
  };
}
