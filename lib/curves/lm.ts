// Bounded Levenberg–Marquardt for small nonlinear least-squares problems (the local polish of the curve fits).

export interface LeastSquaresProblem {
  /** Number of residuals. */
  m: number;
  lower: readonly number[];
  upper: readonly number[];
  /** A typical magnitude of each coordinate, setting its finite-difference step near 0. */
  typical: readonly number[];
  /** Writes the m residuals at theta into out. */
  residuals(theta: Float64Array, out: Float64Array): void;
}

export interface LeastSquaresResult {
  theta: number[];
  sse: number;
  iterations: number;
}

function sumSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/** Solves the p×p system A·x = b (A symmetric positive definite after damping) by Gaussian elimination with partial pivoting. */
function solveSmall(A: Float64Array, b: Float64Array, p: number): Float64Array | null {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(M[r * p + col]) > Math.abs(M[pivot * p + col])) pivot = r;
    if (!(Math.abs(M[pivot * p + col]) > 0)) return null;
    if (pivot !== col) {
      for (let c = 0; c < p; c++) [M[col * p + c], M[pivot * p + c]] = [M[pivot * p + c], M[col * p + c]];
      [x[col], x[pivot]] = [x[pivot], x[col]];
    }
    for (let r = col + 1; r < p; r++) {
      const f = M[r * p + col] / M[col * p + col];
      if (f === 0) continue;
      for (let c = col; c < p; c++) M[r * p + c] -= f * M[col * p + c];
      x[r] -= f * x[col];
    }
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = x[r];
    for (let c = r + 1; c < p; c++) s -= M[r * p + c] * x[c];
    x[r] = s / M[r * p + r];
  }
  return x;
}

/**
 * Minimises ‖r(θ)‖² over the box lower ≤ θ ≤ upper from `start`.
 * Each iteration solves (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr with a central-difference Jacobian J, over the
 * coordinates not held at a bound by a gradient pushing outward (a simple active set), and projects the
 * step onto the box; λ follows Nielsen's rule (shrinks after a step that achieved its predicted
 * reduction, grows after a poor or failed one; Madsen, Nielsen & Tingleff 2004).
 * Stops when a step no longer lowers the sum of squares by more than a relative 1e-14.
 */
export function levenbergMarquardt(problem: LeastSquaresProblem, start: readonly number[], maxIterations = 200): LeastSquaresResult {
  const p = start.length;
  const { m, lower, upper, typical } = problem;
  const theta = Float64Array.from(start, (v, j) => Math.min(upper[j], Math.max(lower[j], v)));
  const r = new Float64Array(m);
  const rPlus = new Float64Array(m);
  const rMinus = new Float64Array(m);
  const trialR = new Float64Array(m);
  const J = new Float64Array(m * p);
  const probe = new Float64Array(p);
  const trial = new Float64Array(p);

  problem.residuals(theta, r);
  let sse = sumSquares(r);
  let lambda = 1e-3;
  let nu = 2;
  let iterations = 0;
  let stalls = 0;

  while (iterations < maxIterations && sse > 0) {
    iterations++;
    // Central differences; one-sided at a bound.
    for (let j = 0; j < p; j++) {
      const h = 1e-7 * Math.max(Math.abs(theta[j]), typical[j]);
      const hi = Math.min(upper[j], theta[j] + h);
      const lo = Math.max(lower[j], theta[j] - h);
      probe.set(theta);
      probe[j] = hi;
      problem.residuals(probe, rPlus);
      probe[j] = lo;
      problem.residuals(probe, rMinus);
      const width = hi - lo;
      for (let i = 0; i < m; i++) J[i * p + j] = width > 0 ? (rPlus[i] - rMinus[i]) / width : 0;
    }
    const JtJ = new Float64Array(p * p);
    const g = new Float64Array(p);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < p; a++) {
        const Jia = J[i * p + a];
        g[a] += Jia * r[i];
        for (let b = a; b < p; b++) JtJ[a * p + b] += Jia * J[i * p + b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) JtJ[a * p + b] = JtJ[b * p + a];

    // Active set: a coordinate at a bound whose descent direction (−g) points out of the box stays put.
    const free: number[] = [];
    for (let j = 0; j < p; j++) {
      const atLower = theta[j] <= lower[j] && g[j] > 0;
      const atUpper = theta[j] >= upper[j] && g[j] < 0;
      if (!atLower && !atUpper) free.push(j);
    }
    if (free.length === 0) break;
    const q = free.length;

    let improved = false;
    while (lambda < 1e16) {
      const A = new Float64Array(q * q);
      const rhs = new Float64Array(q);
      for (let a = 0; a < q; a++) {
        for (let b = 0; b < q; b++) A[a * q + b] = JtJ[free[a] * p + free[b]];
        const diag = JtJ[free[a] * p + free[a]];
        A[a * q + a] += lambda * (diag > 0 ? diag : 1e-300) + 1e-300;
        rhs[a] = -g[free[a]];
      }
      const step = solveSmall(A, rhs, q);
      if (!step) {
        lambda *= 10;
        continue;
      }
      trial.set(theta);
      for (let a = 0; a < q; a++) {
        const j = free[a];
        trial[j] = Math.min(upper[j], Math.max(lower[j], theta[j] + step[a]));
      }
      problem.residuals(trial, trialR);
      const trialSse = sumSquares(trialR);
      // Reduction predicted by the linear model ‖r + J·δ‖² for the step actually taken (after projection).
      let predicted = 0;
      for (let i = 0; i < m; i++) {
        let jd = 0;
        for (let a = 0; a < q; a++) jd += J[i * p + free[a]] * (trial[free[a]] - theta[free[a]]);
        predicted -= 2 * r[i] * jd + jd * jd;
      }
      if (trialSse < sse) {
        const gain = (sse - trialSse) / sse;
        const ratio = predicted > 0 ? (sse - trialSse) / predicted : 1;
        theta.set(trial);
        r.set(trialR);
        sse = trialSse;
        // Nielsen's update: a step that achieved much less than predicted (e.g. overshooting a minimum
        // whose curvature JᵀJ underestimates) raises the damping; a good one lowers it.
        lambda = Math.max(lambda * Math.max(1 / 3, 1 - (2 * ratio - 1) ** 3), 1e-12);
        nu = 2;
        improved = true;
        stalls = gain < 1e-14 ? stalls + 1 : 0;
        break;
      }
      lambda *= nu;
      nu *= 2;
    }
    if (!improved || stalls >= 2) break;
  }
  return { theta: Array.from(theta), sse, iterations };
}
