// The single-vs-all comparison by n: every trained size a row, and the folds' own full training sizes one row.
import { describe, expect, it } from 'vitest';
import { fitCurve } from '../../lib/curves/fit.ts';
import type { CurveData } from '../../lib/curves/data.ts';
import type { CurveFit } from '../../lib/results.ts';
import { singleVsAll } from '../../lib/transfer/singleVsAll.ts';

const grid = [16, 64, 256];
/** Three folds whose full training sets hold 800, 810 and 820 compounds; P = c − exp(b − a·n) plus a fold offset. */
function curve(a: number, full: number[]): { selected: { data: CurveData; undefinedY: number }; fit: CurveFit } {
  const data: CurveData & { group: string[] } = { n: [], y: [], group: [] };
  full.forEach((f, fold) => {
    for (const n of [...grid, f]) {
      data.n.push(n);
      data.y.push(0.9 - Math.exp(Math.log(0.4) - a * n) + 0.002 * (fold - 1));
      data.group.push(`f${fold}s0`);
    }
  });
  const fitted = fitCurve('exp3', data);
  return { selected: { data, undefinedY: 0 }, fit: { task: 'T', design: 'single', split: 'random', model: 'exp3', status: 'ok', params: fitted.params, sse: fitted.sse, nPoints: data.y.length } };
}

describe('singleVsAll', () => {
  it('gives the folds’ different full sizes one row at their mean, with the observed means pooled over them', () => {
    const single = curve(0.004, [800, 810, 820]);
    const all = curve(0.006, [800, 810, 820]);
    const { byN } = singleVsAll('T', 'random', single, all, 0.05);
    expect(byN.map((b) => b.n)).toEqual([16, 64, 256, 810]);
    const full = byN[3];
    expect(full.full).toBe(true);
    expect(byN.slice(0, 3).every((b) => b.full === undefined)).toBe(true);
    const pooled = (d: CurveData) => [0, 1, 2].reduce((s, k) => s + d.y[4 * k + 3], 0) / 3;
    expect(full.singleObserved).toBeCloseTo(pooled(single.selected.data), 12);
    expect(full.allObserved).toBeCloseTo(pooled(all.selected.data), 12);
    expect(full.gap).toBeCloseTo(full.all! - full.single!, 12);
  });

  it('keeps every n when the folds share their full size', () => {
    const { byN } = singleVsAll('T', 'random', curve(0.004, [800, 800, 800]), curve(0.006, [800, 800, 800]), 0.05);
    expect(byN.map((b) => b.n)).toEqual([16, 64, 256, 800]);
    expect(byN.some((b) => b.full)).toBe(false);
  });
});
