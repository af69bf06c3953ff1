// Compute seconds per approach (learning-curve designs, TAG, lookahead, ...), with the device each ran on.
import type { TransferFile } from '../../results.ts';
import { VEGA_LITE_SCHEMA, type ChartDef } from './chart.ts';

export function costChart(cost: TransferFile['cost']): ChartDef | undefined {
  const values = Object.entries(cost)
    .filter(([, c]) => Number.isFinite(c.seconds))
    .map(([approach, c]) => ({ approach, seconds: c.seconds, label: `${formatSeconds(c.seconds)} · ${c.device}${c.points ? ` · ${c.points} runs` : ''}` }))
    .sort((p, q) => q.seconds - p.seconds);
  if (values.length === 0) return undefined;
  const y = { field: 'approach', type: 'nominal' as const, sort: values.map((v) => v.approach), title: null };
  return {
    name: 'compute-cost',
    title: 'Compute cost per approach',
    caption: 'Training and probing seconds spent by each approach (summed over its runs), with the device and the number of training runs.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: 380,
      height: { step: 26 },
      layer: [
        { mark: { type: 'bar', color: '#6a51a3' }, encoding: { y, x: { field: 'seconds', type: 'quantitative', title: 'compute seconds' } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'seconds', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } },
      ],
    },
  };
}

/** Seconds in the unit a reader expects: 42 s, 12.5 min, 3.2 h. */
export function formatSeconds(s: number): string {
  if (s < 120) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
