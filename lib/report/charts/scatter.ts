// One transfer score against another over the ordered pairs (source → target) both measured, with Spearman's rho.
import { spearman } from '../../stats/spearman.ts';
import { VEGA_LITE_SCHEMA, type ChartDef } from './chart.ts';

export interface PairScore {
  source: string;
  target: string;
  x: number;
  y: number;
}

/** Joins two pair scores on (source, target); pairs missing from either side are left out. */
export function joinPairs(
  xs: readonly { source: string; target: string; value: number }[],
  ys: readonly { source: string; target: string; value: number }[],
): PairScore[] {
  const yByPair = new Map(ys.map((p) => [`${p.source}\u0000${p.target}`, p.value]));
  return xs.flatMap((p) => {
    const y = yByPair.get(`${p.source}\u0000${p.target}`);
    return y !== undefined && Number.isFinite(y) && Number.isFinite(p.value) ? [{ source: p.source, target: p.target, x: p.value, y }] : [];
  });
}

export function scoreScatter(name: string, xLabel: string, yLabel: string, pairs: readonly PairScore[]): { chart: ChartDef; rho: number | null } | undefined {
  if (pairs.length === 0) return undefined;
  const rho = spearman(pairs.map((p) => p.x), pairs.map((p) => p.y));
  const rhoText = rho === null ? 'ρ undefined' : `Spearman ρ = ${rho.toFixed(2)}`;
  const values = pairs.map((p) => ({ ...p, label: `${p.source}→${p.target}` }));
  const x = { field: 'x', type: 'quantitative' as const, title: xLabel, axis: { format: '.2~g' }, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative' as const, title: yLabel, axis: { format: '.2~g' }, scale: { zero: false } };
  return {
    rho,
    chart: {
      name,
      title: `${yLabel} vs ${xLabel}`,
      caption: `Each dot is one ordered pair source → target measured by both scores (${pairs.length} pairs; ${rhoText}). Agreeing scores put the dots on a rising band.`,
      spec: {
        $schema: VEGA_LITE_SCHEMA,
        title: `${rhoText}, ${pairs.length} pairs`,
        data: { values },
        width: 300,
        height: 240,
        layer: [
          { mark: { type: 'point', filled: true, size: 45, opacity: 0.75, color: '#1f78b4' }, encoding: { x, y } },
          ...(pairs.length <= 12
            ? [{ mark: { type: 'text' as const, align: 'left' as const, dx: 6, fontSize: 10, color: '#555' }, encoding: { x, y, text: { field: 'label', type: 'nominal' as const } } }]
            : []),
        ],
      },
    },
  };
}
