// The joint model at scale (docs/methods.md, "The joint model at scale"): with 49 sources and 120 random-design
// points the rates are recovered by the ridge-penalised fit — planted sources ranked first with their sign, the
// others near 0 — and the fit is the exact one's when the penalty vanishes.
import { describe, expect, it } from 'vitest';
import { fitCurve } from '../../lib/curves/fit.ts';
import { dualStep, fitPenalisedJoint, JOINT_EXACT_MAX_SOURCES, primalStep } from '../../lib/curves/penalisedJoint.ts';
import type { CurveData } from '../../lib/curves/data.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { auroc } from '../../lib/metrics/auroc.ts';

/**
 * A random design for one target with `sources` sources: `runs` × `folds` points, every task at a log-uniform size
 * in [16, 1024]; P = c − exp(b − a·n − Σ s_j·n_j) plus noise, part of it shared by the points of a replicate.
 */
function randomDesign(sources: number, planted: Record<number, number>, options: { runs?: number; folds?: number; noise?: number; seed?: number } = {}): CurveData {
  const { runs = 24, folds = 5, noise = 0.006, seed = 7 } = options;
  const rng = createRng(seed);
  const size = () => Math.round(16 * 64 ** rng.next());
  const law = { c: 0.9, b: Math.log(0.35), a: 1 / 300 };
  const data: CurveData = { n: [], nSources: [], y: [], group: [], sourceNames: Array.from({ length: sources }, (_, j) => `T${j}`) };
  const shift = Array.from({ length: folds }, () => noise * rng.normal());
  for (let f = 0; f < folds; f++) {
    for (let r = 0; r < runs; r++) {
      const n = size();
      const ns = Array.from({ length: sources }, size);
      let e = law.b - law.a * n;
      ns.forEach((v, j) => (e -= (planted[j] ?? 0) * v));
      data.n.push(n);
      data.nSources!.push(ns);
      data.y.push(law.c - Math.exp(e) + shift[f] + noise * rng.normal());
      data.group!.push(`f${f}`);
    }
  }
  return data;
}

describe('penalised joint fit', () => {
  it('recovers the planted sources of a 50-task random design (K − 1 = 49 rates from 120 points)', () => {
    // Five helping sources (a scaled rate ρ = s·1024 of 0.4–0.8), two hurting ones, 42 without transfer.
    const planted: Record<number, number> = { 3: 0.8 / 1024, 11: 0.6 / 1024, 19: 0.5 / 1024, 27: 0.4 / 1024, 35: 0.5 / 1024, 8: -0.4 / 1024, 40: -0.5 / 1024 };
    const data = randomDesign(49, planted);
    const fit = fitCurve('joint', data);
    expect(fit.penalty?.criterion).toBe('leave-one-replicate-out');
    const s = data.sourceNames!.map((name) => fit.params[`s_${name}`]);
    const plantedIdx = Object.keys(planted).map(Number);
    // Planted vs unplanted by |ŝ|: the ranking AUROC, and every planted rate with its sign.
    expect(auroc(s.map((_, j) => (j in planted ? 1 : 0)), s.map(Math.abs))).toBeGreaterThanOrEqual(0.95);
    for (const j of plantedIdx) expect(Math.sign(s[j])).toBe(Math.sign(planted[j]));
    // The unplanted rates are small next to the planted ones (shrunk toward 0, not set to it).
    const nullMax = Math.max(...s.filter((_, j) => !(j in planted)).map(Math.abs));
    const plantedMin = Math.min(...plantedIdx.map((j) => Math.abs(s[j])));
    expect(nullMax).toBeLessThan(plantedMin);
    expect(fit.params.a).toBeGreaterThan(0);
  });

  it('recovers the rates of a target whose own rate is weak next to its transfer (the error flat over the strong penalties)', () => {
    // a·max n ≈ 0.03 here: the curve in n alone is almost a line, transfer (ρ up to 1) carries most of the signal.
    const rng = createRng(1);
    const size = () => Math.round(16 * 64 ** rng.next());
    const planted: Record<number, number> = { 2: 1.0 / 1024, 9: 0.7 / 1024, 17: -0.4 / 1024 };
    const data: CurveData = { n: [], nSources: [], y: [], group: [], sourceNames: Array.from({ length: 30 }, (_, j) => `T${j}`) };
    for (let f = 0; f < 5; f++) {
      for (let r = 0; r < 24; r++) {
        const n = size();
        const ns = Array.from({ length: 30 }, size);
        let e = Math.log(0.35) - n / 30000;
        ns.forEach((v, j) => (e -= (planted[j] ?? 0) * v));
        data.n.push(n);
        data.nSources!.push(ns);
        data.y.push(0.9 - Math.exp(e) + 0.006 * rng.normal());
        data.group!.push(`f${f}`);
      }
    }
    const fit = fitCurve('joint', data);
    const rho = [2, 9, 17].map((j) => fit.params[`s_T${j}`] * 1024);
    expect(rho[0]).toBeCloseTo(1.0, 0);
    expect(rho[1]).toBeGreaterThan(0.4);
    expect(rho[2]).toBeLessThan(-0.2);
  });

  it('with a vanishing penalty reaches the exact fit of a small joint model', () => {
    const data = randomDesign(4, { 1: 0.6 / 1024, 3: -0.3 / 1024 }, { seed: 11 });
    expect(data.sourceNames!.length).toBeLessThanOrEqual(JOINT_EXACT_MAX_SOURCES);
    const exact = fitCurve('joint', data);
    const null3 = fitCurve('exp3', { n: data.n, y: data.y });
    const ridge = fitPenalisedJoint(data, { a: null3.params.a, b: null3.params.b, sse: null3.sse }, { lambda: 1e-12 });
    expect(ridge.sse).toBeLessThanOrEqual(exact.sse * (1 + 1e-6));
    for (const name of Object.keys(exact.params)) expect(ridge.params[name]).toBeCloseTo(exact.params[name], 5);
  });

  it('solves the damped step through the N×N system (fewer points than rates) as through the q×q one', () => {
    const rng = createRng(4);
    const [N, q, lambda] = [30, 80, 0.05];
    const Jt = Float64Array.from({ length: q * N }, () => rng.normal());
    const g = Float64Array.from({ length: q }, () => rng.normal());
    const JtJ = new Float64Array(q * q);
    for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) for (let i = 0; i < N; i++) JtJ[k * q + l] += Jt[k * N + i] * Jt[l * N + i];
    const diagonal = Float64Array.from({ length: q }, (_, k) => JtJ[k * q + k] + (k > 0 ? lambda : 0));
    for (let k = 1; k < q; k++) JtJ[k * q + k] += lambda;
    for (const mu of [1e-9, 1e-3, 10]) {
      const damping = Float64Array.from(diagonal, (v) => mu * (v + 1e-12));
      for (const held of [false, true]) {
        const primal = primalStep(JtJ, q, g, damping, held)!;
        const dual = dualStep(Jt, N, q, g, lambda, diagonal, damping, held)!;
        const scale = Math.max(...primal.map(Math.abs));
        for (let k = 0; k < q; k++) expect(Math.abs(dual[k] - primal[k])).toBeLessThan(1e-8 * scale);
        if (held) expect(dual[0]).toBe(0);
      }
    }
  });

  it('at K = 229 (228 rates, more than the 120 points) fits one target in seconds', () => {
    const data = randomDesign(228, { 5: 0.6 / 1024, 100: -0.4 / 1024, 200: 0.5 / 1024 }, { seed: 3 });
    const started = performance.now();
    const fit = fitCurve('joint', data);
    const seconds = (performance.now() - started) / 1000;
    console.log(`penalised joint fit, 228 sources × 120 points: ${seconds.toFixed(1)} s, λ = ${fit.penalty!.lambda.toExponential(2)} (σ̂² ${fit.penalty!.sigma2.toExponential(2)})`);
    const s = data.sourceNames!.map((name) => fit.params[`s_${name}`]);
    const order = s.map((v, j) => [Math.abs(v), j]).sort((p, q) => q[0] - p[0]).map(([, j]) => j);
    const ranks = [5, 100, 200].map((j) => order.indexOf(j));
    console.log(`ranks of the planted sources 5 (ρ 0.6), 100 (ρ −0.4), 200 (ρ 0.5) among 228: ${ranks.join(', ')}`);
    // The two larger planted rates lead; the weakest (ρ = −0.4) stays in the top 5 % of 228.
    expect([ranks[0], ranks[2]].sort()).toEqual([0, 1]);
    expect(ranks[1]).toBeLessThan(12);
    expect(Math.sign(s[100])).toBe(-1);
  }, 300_000);
});
