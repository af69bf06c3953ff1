// The global-optimum guarantee: every reference curve (SciPy least_squares from a dense grid plus 40
// random restarts) must be matched or beaten by fitCurve.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CurveData } from '../../lib/curves/data.ts';
import { fitCurve } from '../../lib/curves/fit.ts';
import { predict } from '../../lib/curves/models.ts';
import { fixturesDir } from '../helpers/paths.ts';

interface FixtureCurve {
  curve: string;
  model: 'exp3' | 'exp3.2';
  n?: number[];
  n_i?: number[];
  n_other?: number[];
  y: number[];
  reference: Record<string, number> & { sse: number };
}

const fixture = JSON.parse(readFileSync(path.join(fixturesDir, 'curve-fits.json'), 'utf8')) as { curves: FixtureCurve[] };

describe('fitCurve reaches the reference least-squares optimum', () => {
  it('has the 52 fixture curves', () => {
    expect(fixture.curves.length).toBe(52);
  });

  it.each(fixture.curves.map((c) => [c.curve, c] as const))('%s', (_name, c) => {
    const data: CurveData = c.model === 'exp3' ? { n: c.n!, y: c.y } : { n: c.n_i!, nOther: c.n_other!, y: c.y };
    const fit = fitCurve(c.model, data);
    expect(fit.sse).toBeLessThanOrEqual(c.reference.sse * (1 + 1e-6) + 1e-12);
    // The reported SSE is the SSE of the reported parameters (evaluated by the plain formula).
    const points = data.n.map((n, p) => ({ n, nOther: data.nOther?.[p] }));
    const plainSse = points.reduce((s, pt, p) => s + (c.y[p] - predict(c.model, fit.params, pt)) ** 2, 0);
    expect(Math.abs(plainSse - fit.sse)).toBeLessThanOrEqual(1e-6 * fit.sse + 1e-12);
    expect(fit.params.a).toBeGreaterThanOrEqual(0);
  });
});
