// The joint model of the random design with many sources (docs/methods.md, "The joint model at scale"):
//   P = c − exp(b − a·n − Σ_j s_j·n_j)
// fitted by ridge-penalised least squares on the scaled rates ρ_j = s_j·max n_j (the change of the exponent from
// none to all of source j's rows):  min Σ_p (y_p − P_p)² + λ·Σ_j ρ_j².  With K − 1 sources and a few hundred points
// the unpenalised model is not identified (at K = 229 it has more rates than a random design has points), and the
// exact global search over rates grows as K²; the penalty is a normal prior ρ_j ~ N(0, σ²/λ) on every source, so a
// rate the data do not support stays near 0. λ is chosen from a grid relative to the noise σ̂² of the target's own
// EXP3 curve by leave-one-replicate-out cross-validation (points of a replicate share their noise, so leaving single
// points out would choose too little penalty). The optimum is found by Levenberg–Marquardt with the analytic
// Jacobian from the null curve (every ρ_j = 0: the target's EXP3 fit), each λ warm-started from the previous.
import { ComputationError } from '../errors.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { replicateGroups, sourceNamesOf } from './data.ts';

/** Joint fits with more sources than this are penalised; up to it the exact global search is used (lib/curves/fit.ts). */
export const JOINT_EXACT_MAX_SOURCES = 12;

/** The penalty grid: λ = σ̂²·10^k for these k (prior standard deviations of a scaled rate from 3.2 down to 0.001). */
export const PENALTY_EXPONENTS = [-1, 0, 1, 2, 3, 4, 5, 6];

export interface PenalisedJointFit {
  params: Record<string, number>;
  sse: number;
  fitted: number[];
  predictAt(point: CurvePoint): number;
  penalty: { lambda: number; sigma2: number; cvError: number; criterion: 'leave-one-replicate-out' | 'fixed' };
}

interface Problem {
  y: Float64Array;
  /** z[p*q + k]: scaled covariate k (0: the target's n; 1…m: the sources) at point p. */
  z: Float64Array;
  q: number;
  scales: number[];
}

function problemOf(data: CurveData): Problem {
  const m = data.nSources![0].length;
  const q = m + 1;
  const N = data.y.length;
  const scales = Array.from({ length: q }, (_, k) => Math.max(...data.y.map((_, p) => Math.abs(k === 0 ? data.n[p] : data.nSources![p][k - 1]))));
  const z = new Float64Array(N * q);
  for (let p = 0; p < N; p++) for (let k = 0; k < q; k++) z[p * q + k] = (k === 0 ? data.n[p] : data.nSources![p][k - 1]) / scales[k];
  return { y: Float64Array.from(data.y), z, q, scales };
}

/** Parameters: x = [c, b, θ_0 = a·max n, θ_1…θ_m = ρ_j]. */
function exponentAt(x: Float64Array, z: Float64Array, p: number, q: number): number {
  let e = x[1];
  for (let k = 0; k < q; k++) e -= x[2 + k] * z[p * q + k];
  return e;
}

/** Σ residual² + λ·Σ ρ_j² and the plain SSE. */
function objective(prob: Problem, x: Float64Array, lambda: number): { f: number; sse: number } {
  let sse = 0;
  const N = prob.y.length;
  for (let p = 0; p < N; p++) {
    const r = prob.y[p] - (x[0] - Math.exp(exponentAt(x, prob.z, p, prob.q)));
    sse += r * r;
  }
  let pen = 0;
  for (let k = 1; k < prob.q; k++) pen += x[2 + k] * x[2 + k];
  return { f: sse + lambda * pen, sse };
}

/** Cholesky solve of the symmetric positive definite n×n system A·x = b; null when A is not positive definite. */
function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * out[k];
    out[i] = s / L[i * n + i];
  }
  return out;
}

/**
 * Levenberg–Marquardt on the penalised objective from `start`, with θ_0 = a·max n kept ≥ 0 (projected). The
 * residuals are r_p = y_p − c + e^(E_p), E_p = b − Σ θ_k z_pk, and √λ·ρ_j; their Jacobian is analytic.
 */
function minimise(prob: Problem, lambda: number, start: Float64Array, rows?: readonly number[]): Float64Array {
  const { y, z, q } = prob;
  const P = q + 2;
  const points = rows ?? Array.from({ length: y.length }, (_, p) => p);
  const f = (x: Float64Array) => {
    let sse = 0;
    for (const p of points) {
      const r = y[p] - (x[0] - Math.exp(exponentAt(x, z, p, q)));
      sse += r * r;
    }
    let pen = 0;
    for (let k = 1; k < q; k++) pen += x[2 + k] * x[2 + k];
    return sse + lambda * pen;
  };
  let x = Float64Array.from(start);
  let fx = f(x);
  let mu = 1e-3;
  const JtJ = new Float64Array(P * P);
  const g = new Float64Array(P);
  const row = new Float64Array(P);
  for (let iter = 0; iter < 100; iter++) {
    JtJ.fill(0);
    g.fill(0);
    for (const p of points) {
      const E = Math.exp(exponentAt(x, z, p, q));
      const r = y[p] - x[0] + E;
      // ∂r/∂c = −1, ∂r/∂b = E, ∂r/∂θ_k = −E·z_pk
      row[0] = -1;
      row[1] = E;
      for (let k = 0; k < q; k++) row[2 + k] = -E * z[p * q + k];
      for (let i = 0; i < P; i++) {
        const ri = row[i];
        if (ri === 0) continue;
        g[i] += ri * r;
        for (let j = 0; j <= i; j++) JtJ[i * P + j] += ri * row[j];
      }
    }
    for (let k = 1; k < q; k++) {
      JtJ[(2 + k) * P + 2 + k] += lambda;
      g[2 + k] += lambda * x[2 + k];
    }
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) JtJ[j * P + i] = JtJ[i * P + j];
    // θ_0 held at its bound while the gradient pushes it below.
    const held = x[2] <= 0 && g[2] > 0;
    let improved = false;
    for (let attempt = 0; attempt < 30; attempt++) {
      const A = Float64Array.from(JtJ);
      for (let i = 0; i < P; i++) A[i * P + i] += mu * (JtJ[i * P + i] + 1e-12);
      const rhs = Float64Array.from(g, (v) => -v);
      if (held) {
        for (let j = 0; j < P; j++) A[2 * P + j] = A[j * P + 2] = 0;
        A[2 * P + 2] = 1;
        rhs[2] = 0;
      }
      const step = choleskySolve(A, rhs, P);
      if (!step) {
        mu *= 10;
        continue;
      }
      const next = Float64Array.from(x, (v, i) => v + step[i]);
      if (next[2] < 0) next[2] = 0;
      const fn = f(next);
      if (Number.isFinite(fn) && fn < fx) {
        const relative = (fx - fn) / Math.max(fx, 1e-300);
        x = next;
        fx = fn;
        mu = Math.max(mu / 3, 1e-12);
        improved = relative > 1e-10;
        break;
      }
      mu *= 4;
    }
    if (!improved) break;
  }
  return x;
}

/** The start at the null curve: the target's EXP3 fit in n alone (`null3` gives a, b, c), every ρ_j = 0. */
function nullStart(prob: Problem, null3: { a: number; b: number; c: number }): Float64Array {
  const x = new Float64Array(prob.q + 2);
  x[0] = null3.c;
  x[1] = null3.b;
  x[2] = Math.max(0, null3.a * prob.scales[0]);
  return x;
}

function toParams(prob: Problem, x: Float64Array, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = { a: x[2] / prob.scales[0] };
  names.forEach((name, j) => (out[`s_${name}`] = x[3 + j] / prob.scales[1 + j]));
  out.b = x[1];
  out.c = x[0];
  return out;
}

/**
 * The penalised joint fit. `null3` is the target's EXP3 fit in n (the start, and σ̂² = its SSE/(N − 3) scales the
 * λ grid); `lambda` fixes the penalty instead of choosing it (the jackknife refits choose their own).
 */
export function fitPenalisedJoint(data: CurveData, null3: { a: number; b: number; c: number; sse: number }, options: { lambda?: number } = {}): PenalisedJointFit {
  const prob = problemOf(data);
  const N = data.y.length;
  const names = sourceNamesOf(data);
  const sigma2 = Math.max(null3.sse / Math.max(N - 3, 1), 1e-12);
  const start = nullStart(prob, null3);
  if (!Number.isFinite(start[1])) throw new ComputationError('joint: the target curve in n alone is flat or a line (no finite EXP3 fit), so the joint model has no start');

  let lambda = options.lambda;
  let cvError = Number.NaN;
  if (lambda === undefined) {
    const groups = [...replicateGroups(data).values()];
    if (groups.length < 2) throw new ComputationError(`joint: ${names.length} sources need the penalised fit, whose penalty is chosen by leaving replicates out: the data have ${groups.length} replicate group`);
    let best = { lambda: Number.NaN, error: Infinity };
    let warm = start;
    let worse = 0;
    // From the strongest penalty down: each fit starts where the previous one ended. The error is U-shaped in λ:
    // two steps past the minimum, weaker penalties (slow, nearly interpolating fits when rates outnumber points) are not tried.
    for (const k of [...PENALTY_EXPONENTS].reverse()) {
      if (worse >= 2) break;
      const l = sigma2 * 10 ** k;
      warm = minimise(prob, l, warm);
      let error = 0;
      for (const held of groups) {
        const out = new Set(held);
        const kept = data.y.flatMap((_, p) => (out.has(p) ? [] : [p]));
        const x = minimise(prob, l, warm, kept);
        for (const p of held) error += (prob.y[p] - (x[0] - Math.exp(exponentAt(x, prob.z, p, prob.q)))) ** 2;
      }
      // Ties go to the stronger penalty (visited first).
      if (error < best.error * (1 - 1e-9)) {
        best = { lambda: l, error };
        worse = 0;
      } else worse++;
    }
    lambda = best.lambda;
    cvError = best.error;
  }
  const x = minimise(prob, lambda, start);
  const { sse } = objective(prob, x, lambda);
  const params = toParams(prob, x, names);
  const predictAt = (point: CurvePoint) => {
    let e = params.b - params.a * point.n;
    names.forEach((name, j) => (e -= params[`s_${name}`] * (point.nSources?.[j] ?? 0)));
    return params.c - Math.exp(e);
  };
  const fitted = data.y.map((_, p) => x[0] - Math.exp(exponentAt(x, prob.z, p, prob.q)));
  return { params, sse, fitted, predictAt, penalty: { lambda, sigma2, cvError, criterion: options.lambda === undefined ? 'leave-one-replicate-out' : 'fixed' } };
}
