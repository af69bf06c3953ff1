// Pairwise transfer: a source × target heatmap of s_ij, significant cells marked, tasks in clustering order.
import type { PairwiseTransfer } from '../../results.ts';
import { VEGA_LITE_SCHEMA, type ChartDef } from './chart.ts';

/** `order`: the source axis (placebo sources last); the target axis holds the tasks that are targets, in that order. */
export function pairwiseHeatmap(name: string, title: string, rows: readonly PairwiseTransfer[], order: readonly string[]): ChartDef | undefined {
  const mine = rows.filter((r) => Number.isFinite(r.s));
  if (mine.length === 0) return undefined;
  const maxAbs = Math.max(...mine.map((r) => Math.abs(r.s))) || 1;
  const values = mine.map((r) => ({ source: r.source, target: r.target, s: r.s, q: r.q, significant: r.verdict === 'positive' || r.verdict === 'negative' }));
  const step = order.length > 30 ? 12 : order.length > 15 ? 22 : 34;
  const x = { field: 'source', type: 'nominal' as const, sort: [...order], title: 'source task j', scale: { domain: [...order] }, axis: { labelAngle: -40 } };
  const targets = order.filter((t) => mine.some((r) => r.target === t));
  const y = { field: 'target', type: 'nominal' as const, sort: targets, title: 'target task i', scale: { domain: targets } };
  return {
    name,
    title,
    caption:
      'Cell (j, i): s_ij, the rate at which samples of source task j raise the curve of target task i. Blue: positive transfer; red: negative. A black dot marks a verdict at the study\'s false discovery rate: the Benjamini–Hochberg q of the replicate-level p (jackknife over fold × seed replicates), placebo sources a family of their own. Tasks are ordered by a clustering of their transfer profiles, so related tasks sit together.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      width: { step },
      height: { step },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
          encoding: { x, y, color: { field: 's', type: 'quantitative', title: 's_ij', scale: { scheme: 'redblue', domain: [-maxAbs, maxAbs] }, legend: { format: '.2~g' } } },
        },
        { transform: [{ filter: 'datum.significant' }], mark: { type: 'point', filled: true, color: 'black', size: step > 20 ? 30 : 10 }, encoding: { x, y } },
      ],
    },
  };
}
