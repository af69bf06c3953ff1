// Benchmark of the curve fits: EXP3, EXP3.2 and joint least-squares fits per second on one core.
// Run: npx tsx bench/curves.ts
import { pathToFileURL } from 'node:url';
import type { CurveData } from '../lib/curves/data.ts';
import { fitCurve } from '../lib/curves/fit.ts';
import { predict } from '../lib/curves/models.ts';
import type { CurveModelName } from '../lib/results.ts';
import { createRng } from '../lib/stats/rng.ts';

/** Noisy curves of the shapes a study produces: 7 anchors 16…1024 (EXP3.2: × 4 sizes of the other tasks). */
function benchmarkCurves(model: 'exp3' | 'exp3.2', count: number): CurveData[] {
  const rng = createRng(2024);
  const anchors = [16, 32, 64, 128, 256, 512, 1024];
  return Array.from({ length: count }, () => {
    const truth = { a: 0.001 + 0.02 * rng.next(), s: (rng.next() - 0.4) * 4e-4, b: -2.5 + 1.5 * rng.next(), c: 0.7 + 0.25 * rng.next() };
    const data: CurveData = { n: [], y: [], ...(model === 'exp3.2' ? { nOther: [] } : {}) };
    for (const other of model === 'exp3.2' ? [0, 500, 1500, 4000] : [0]) {
      for (const n of anchors) {
        data.n.push(n);
        data.nOther?.push(other);
        data.y.push(predict('exp3.2', truth, { n, nOther: other }) + 0.01 * rng.normal());
      }
    }
    return data;
  });
}

/** Random-design curves of the joint model: 120 runs, 7 sources, every size log-uniform in 16…1024 (a KIBA top-8 target). */
function jointCurves(count: number): CurveData[] {
  const rng = createRng(2025);
  return Array.from({ length: count }, () => {
    const a = 0.001 + 0.01 * rng.next();
    const s = Array.from({ length: 7 }, () => (rng.next() - 0.4) * 4e-4);
    const [b, c] = [-2.5 + 1.5 * rng.next(), 0.7 + 0.25 * rng.next()];
    const data: CurveData = { n: [], y: [], nSources: [] };
    for (let run = 0; run < 120; run++) {
      const n = Math.round(16 * Math.pow(64, rng.next()));
      const sizes = s.map(() => Math.round(16 * Math.pow(64, rng.next())));
      data.n.push(n);
      data.nSources!.push(sizes);
      data.y.push(c - Math.exp(b - a * n - sizes.reduce((acc, v, j) => acc + s[j] * v, 0)) + 0.01 * rng.normal());
    }
    return data;
  });
}

/** Fits per second over at least `seconds` of fitting, after a warm-up pass (JIT). */
function fitsPerSecond(model: CurveModelName, curves: CurveData[], seconds: number): number {
  for (const c of curves) fitCurve(model, c);
  let fits = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const c of curves) fitCurve(model, c);
    fits += curves.length;
    elapsed = performance.now() - start;
  }
  return fits / (elapsed / 1000);
}

export async function benchCurves(options: { seconds?: number } = {}): Promise<{ exp3FitsPerSecond: number; exp32FitsPerSecond: number; jointFitsPerSecond: number }> {
  const seconds = options.seconds ?? 2;
  return {
    exp3FitsPerSecond: fitsPerSecond('exp3', benchmarkCurves('exp3', 100), seconds),
    exp32FitsPerSecond: fitsPerSecond('exp3.2', benchmarkCurves('exp3.2', 20), seconds),
    jointFitsPerSecond: fitsPerSecond('joint', jointCurves(4), seconds),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchCurves();
  console.log(`EXP3 fits per second (one core, 7 anchors):            ${result.exp3FitsPerSecond.toFixed(0)}`);
  console.log(`EXP3.2 fits per second (one core, 7 anchors × 4 sizes): ${result.exp32FitsPerSecond.toFixed(0)}`);
  console.log(`joint fits per second (one core, 120 runs × 7 sources):  ${result.jointFitsPerSecond.toFixed(1)}`);
}
