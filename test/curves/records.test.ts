// The records a fit becomes in curves.json. (Fit speed is a benchmark, `npm run bench`, not a test.)
import { describe, expect, it } from 'vitest';
import { failedCurveFit, toCurveFit } from '../../lib/curves/records.ts';
import { fitCurve } from '../../lib/curves/fit.ts';

describe('CurveFit records', () => {
  it('carry the fit and its metadata', () => {
    const fit = fitCurve('exp3', { n: [16, 32, 64, 128], y: [0.6, 0.7, 0.76, 0.78] });
    const record = toCurveFit({ task: 'T1', design: 'single', split: 'random' }, fit, { a: [0.01, 0.03] });
    expect(record).toMatchObject({ task: 'T1', model: 'exp3', status: 'ok', nPoints: 4, ci: { a: [0.01, 0.03] } });
    expect(record.sse).toBe(fit.sse);
    expect(failedCurveFit({ task: 'T1', design: 'single', split: 'random' }, 'exp3', 2, 'too few')).toMatchObject({ status: 'failed', error: 'too few' });
  });
});
