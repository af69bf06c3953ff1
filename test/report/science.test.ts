// The report's own computations against hand-computed answers: ranks, Spearman, curve evaluation and bands, clustering order.
import { describe, expect, it } from 'vitest';
import { exp3, exp32, exp3Band, logGrid } from '../../lib/report/curve.ts';
import { clusterOrder } from '../../lib/report/order.ts';
import { clipBands, type LearningCurveRow } from '../../lib/report/charts/learningCurves.ts';
import { sliceLevels } from '../../lib/report/charts/contextualSlices.ts';
import { forestScale } from '../../lib/report/charts/forest.ts';
import { spread } from '../../lib/report/stats.ts';
import { averageRanks, spearman } from '../../lib/stats/spearman.ts';
import type { CurveFit } from '../../lib/results.ts';

describe('ranks and correlations', () => {
  it('gives tied values their average rank', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('matches 1 − 6Σd²/(m(m²−1)) without ties', () => {
    // x ranks 1..5, y ranks [2,1,4,3,5]: Σd² = 1+1+1+1+0 = 4 → ρ = 1 − 24/120 = 0.8
    expect(spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])).toBeCloseTo(0.8, 12);
  });

  it('is invariant to monotone transforms and flips sign when one score is reversed', () => {
    const x = [0.1, 0.5, 0.2, 0.9, 0.4];
    expect(spearman(x, x.map((v) => Math.exp(10 * v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -v))).toBeCloseTo(-1, 12);
  });

  it('is undefined for fewer than 3 pairs or a constant score', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
  });

  it('computes the spread of repeated observations', () => {
    // mean 2, squared deviations 1+0+1 = 2, sample variance 1
    expect(spread([1, 2, 3])).toEqual({ mean: 2, sd: 1, min: 1, max: 3, count: 3 });
  });
});

describe('curve evaluation', () => {
  it('evaluates EXP3 and EXP3.2 at hand-computed points', () => {
    // c − exp(b − a·n) with b = ln 0.4: at n = 0 it is c − 0.4
    expect(exp3({ a: 0.01, b: Math.log(0.4), c: 0.9 }, 0)).toBeCloseTo(0.5, 12);
    expect(exp3({ a: 0.01, b: Math.log(0.4), c: 0.9 }, 100)).toBeCloseTo(0.9 - 0.4 * Math.exp(-1), 12);
    // s·m adds to the exponent like a·n: a·n + s·m = 0.5 + 0.5
    expect(exp32({ a: 0.005, s: 0.001, b: Math.log(0.4), c: 0.9 }, 100, 500)).toBeCloseTo(0.9 - 0.4 * Math.exp(-1), 12);
  });

  it('spaces a grid evenly in log n, ends included', () => {
    const g = logGrid(16, 256, 5);
    expect(g[0]).toBe(16);
    expect(g[4]).toBe(256);
    g.slice(1).forEach((v, k) => expect(v / g[k]).toBeCloseTo(2, 12));
  });

  const base: CurveFit = { task: 't', design: 'single', split: 'random', model: 'exp3', status: 'ok', params: { a: 0.01, b: Math.log(0.4), c: 0.9 }, sse: 0, nPoints: 6 };

  it('bounds the curve by the corners of the parameter box', () => {
    const fit = { ...base, ci: { a: [0.008, 0.012], b: [Math.log(0.3), Math.log(0.5)], c: [0.88, 0.92] } as Record<string, [number, number]> };
    const band = exp3Band(fit, [0, 100])!;
    expect(band.source).toBe('parameter-box');
    // lo = c_lo − exp(b_hi − a_lo·n), hi = c_hi − exp(b_lo − a_hi·n)
    expect(band.lo[0]).toBeCloseTo(0.88 - 0.5, 12);
    expect(band.hi[0]).toBeCloseTo(0.92 - 0.3, 12);
    expect(band.lo[1]).toBeCloseTo(0.88 - 0.5 * Math.exp(-0.8), 12);
    expect(band.hi[1]).toBeCloseTo(0.92 - 0.3 * Math.exp(-1.2), 12);
    const mid = exp3(fit.params as { a: number; b: number; c: number }, 100);
    expect(band.lo[1]).toBeLessThan(mid);
    expect(band.hi[1]).toBeGreaterThan(mid);
  });

  it('interpolates a bootstrap band in log n and draws none for a failed fit', () => {
    const fit = { ...base, band: [{ n: 16, lo: 0.5, hi: 0.6 }, { n: 64, lo: 0.7, hi: 0.8 }] };
    const band = exp3Band(fit, [8, 32, 64, 128])!;
    expect(band.source).toBe('bootstrap');
    expect(band.lo).toEqual([0.5, expect.closeTo(0.6, 12), 0.7, 0.7]); // 32 is halfway between 16 and 64 in log n
    expect(exp3Band({ ...fit, status: 'failed' }, [16])).toBeUndefined();
    expect(exp3Band(base, [16])).toBeUndefined(); // no CI, no band: nothing is invented
    // an open interval (null from JSON) bounds nothing
    const open = { ...base, ci: { a: [0, 0.1], b: [null, 1], c: [0.5, 0.9] } as unknown as Record<string, [number, number]> };
    expect(exp3Band(open, [16])).toBeUndefined();
  });

  it("cuts a runaway band at the panel's edges", () => {
    const rows: LearningCurveRow[] = [
      { kind: 'obs', task: 't', approach: 'single-task', n: 16, y: 0.6, lo: 0.55, hi: 0.65 },
      { kind: 'fit', task: 't', approach: 'single-task', n: 16, y: 0.75 },
      { kind: 'band', task: 't', approach: 'single-task', n: 16, lo: -6e12, hi: 0.7 },
      { kind: 'band', task: 't', approach: 'single-task', n: 32, lo: 0.2, hi: 3 },
    ];
    clipBands(rows);
    // data span [0.55, 0.75], padded by half its height (0.1): [0.45, 0.85]
    expect(rows[2].lo).toBeCloseTo(0.45, 12);
    expect(rows[2].hi).toBe(0.7);
    expect(rows[3].lo).toBeCloseTo(0.45, 12);
    expect(rows[3].hi).toBeCloseTo(0.85, 12);
  });
});

describe('clustering order of the pairwise matrix', () => {
  it('puts planted groups next to each other whatever the input order', () => {
    const group: Record<string, number> = { a1: 0, b1: 1, a2: 0, c1: 2, b2: 1, a3: 0, c2: 2 };
    const s = (src: string, tgt: string) => (group[src] === group[tgt] ? 1 + 0.01 * src.charCodeAt(1) : -0.2);
    const order = clusterOrder(Object.keys(group), s);
    expect([...order].sort()).toEqual(Object.keys(group).sort());
    const runs = order.map((t) => group[t]).filter((g, k, all) => k === 0 || g !== all[k - 1]);
    expect(runs.length).toBe(3); // each group is one contiguous block
  });

  it('keeps tiny inputs as given', () => {
    expect(clusterOrder(['x', 'y'], () => 1)).toEqual(['x', 'y']);
  });
});

describe('chart scales', () => {
  it('switches the forest plot to symmetric-log only when one estimate dwarfs the others', () => {
    expect(forestScale([1e-4, 2e-4, 3e-4, 0, 5e-4], [1e-4, 2e-4, 3e-4])).toEqual({ type: 'linear' });
    expect(forestScale([1e-4, 2e-4, 0.5, 0.8], [1e-4, 2e-4, 0.5])).toEqual({ type: 'symlog', constant: 2e-4 });
  });

  it('draws every slice when few, else four from the smallest to the largest n_Σ', () => {
    expect(sliceLevels([0, 512, 0, 2048])).toEqual([0, 512, 2048]);
    expect(sliceLevels([96, 128, 192, 288, 320, 384, 512])).toEqual([96, 192, 320, 512]); // ranks 0, 2, 4, 6 of 7
  });
});

describe('shipped font', () => {
  it('is found in assets/fonts and a missing folder is named in the error', async () => {
    const { chartFontFiles } = await import('../../lib/report/render.ts');
    expect(chartFontFiles().map((f) => f.split('/').slice(-3).join('/'))).toEqual(['assets/fonts/DejaVuSans.ttf', 'assets/fonts/DejaVuSans-Bold.ttf']);
    expect(() => chartFontFiles('/nonexistent/fonts')).toThrow(/chart font not found: .*\/nonexistent\/fonts.*MTLC_FONT_DIR/);
  });
});

describe('PNG text', () => {
  it('draws chart text with the shipped font even though system fonts are off', async () => {
    const { rasterise, chartConfig } = await import('../../lib/report/render.ts');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="5" y="20" font-family="${chartConfig.font}" font-size="16">AUROC</text></svg>`;
    const dark = (img: { pixels: Buffer }) => {
      let count = 0;
      for (let k = 0; k < img.pixels.length; k += 4) if (img.pixels[k] < 128) count++;
      return count;
    };
    expect(dark(rasterise(svg))).toBeGreaterThan(100);
    expect(dark(rasterise(svg, []))).toBe(0); // without the font file, no text at all: the font is what makes it render
  });
});
