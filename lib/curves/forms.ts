// Every fitted curve model written in one separable form:  P = γ₀ + γ₁·x(θ; point),  γ₁ ≥ 0.
// For fixed nonlinear parameters θ the model is linear in (γ₀, γ₁); ./fit.ts solves that part in closed
// form and searches θ (variable projection). Each form here only says what x(θ) is, which θ to search,
// and how (θ, γ₀, γ₁) map back to the named parameters of the formula table (./models.ts).
import type { CurveModelName } from '../results.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { sourceNamesOf } from './data.ts';
import { bestGridPoints, bestOnLine, coarseToFineGridPoints, linspace, logspace } from './grid.ts';

export interface SeparableForm {
  lower: number[];
  upper: number[];
  /** Typical magnitude of each θ coordinate (finite-difference steps near 0). */
  typical: number[];
  /** x(θ) at every data point. */
  basis(theta: ArrayLike<number>, x: Float64Array): void;
  /** x(θ) at any point (for predictions), consistent with basis(). */
  basisAt(theta: ArrayLike<number>, point: CurvePoint): number;
  /**
   * Starting points for the local polish, from a global search of the reduced sum of squares. `sseOfBasis`
   * scores a basis vector directly (the reduced SSE of x), for a form that can build its grid's bases faster
   * than θ → x one point at a time.
   */
  starts(sse: (theta: number[]) => number, sseOfBasis?: (x: Float64Array) => number): number[][];
  /** Named parameters from θ and the linear coefficients (γ₁ > 0, θ off its zero limit). */
  params(theta: readonly number[], g0: number, g1: number): Record<string, number>;
  /** Named parameters of the flat fit P = mean (γ₁ = 0, the e^b ≥ 0 / b ≥ 0 constraint active). */
  flatParams(mean: number): Record<string, number>;
  /**
   * The rate → 0 limit, which the named parameters reach only at infinity (EXP: a line in n; POW: in ln n).
   * `reached(θ)`: θ is on it; `toward(θ, size)`: the point of scaled size `size` in θ's direction.
   */
  zeroLimit?: { kind: 'linear' | 'log-linear'; reached(theta: readonly number[]): boolean; toward(theta: readonly number[], size: number): number[] };
  /** θ[index] at its upper bound means the curve jumps to its plateau after the first anchor. */
  stepIndex?: number;
  /**
   * A second parameterisation of the same curves for a further polish from the best point: polar
   * coordinates are needed near ρ = 0, but far from it Cartesian rates are better conditioned (a
   * saturated rate along n no longer couples the angle with the rate along n_other).
   */
  alternate?(): { form: SeparableForm; to(theta: readonly number[]): number[]; from(theta: readonly number[]): number[] } | undefined;
}

/**
 * A transfer rate held at a known value (the constrained fits of the profile interval): the rate's name, its
 * value, its covariate at each data point (n_Σ / n_j), and how to read the free covariates and the fixed one at
 * any point (for predictions).
 */
export interface FixedRate {
  rate: string;
  value: number;
  column: readonly number[];
  covariatesAt(point: CurvePoint): number[];
  covariateOf(point: CurvePoint): number;
}

export function distinctSorted(values: ArrayLike<number>): number[] {
  return [...new Set(Array.from(values))].sort((p, q) => p - q);
}

export function smallestGap(sorted: readonly number[]): number {
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1]);
  return gap;
}

/** (1 − e^(−ρ·d))/ρ, and its limit d as ρ → 0: a basis that stays well-conditioned for every ρ ≥ 0. */
function saturating(rho: number, d: number): number {
  return rho > 0 ? -Math.expm1(-rho * d) / rho : d;
}

/**
 * The EXP family: P = c − exp(b − Σ_k r_k·n_k) with covariates n_k (n, then n_other or the n_j),
 * rate r_0 = a ≥ 0 and the others free. Covariates are scaled to z_k = n_k / max n_k so that the exponent
 * never over- or underflows. With scaled rates ρ·u (|u| = 1), e_p = u·z_p and d_p = e_p − min_q e_q ≥ 0:
 *   P = γ₀ + γ₁·(1 − e^(−ρ·d))/ρ,   c = γ₀ + γ₁/ρ,   b = ln(γ₁/ρ) + ρ·min e,   r_k = ρ·u_k / max n_k.
 * θ is ρ alone (exp3), (ρ, ω) with u = (cos ω, sin ω) (exp3.2, pairwise: polar, so that the line limit
 * ρ → 0 keeps its direction), or the scaled rates themselves (joint).
 *
 * A rate held fixed at a value s₀ (the constrained fits of the profile interval, ./profile.ts) is a model with
 * one rate fewer plus a known offset o_p = s₀·m_p in the exponent: with D_p = ρ·e_p + o_p and κ = ρ + (max o − min o),
 *   P = γ₀ + γ₁·(1 − e^(−(D − min D)))/κ,   c = γ₀ + γ₁/κ,   b = ln(γ₁/κ) + min D.
 * With s₀ = 0 this is exactly the form above (κ = ρ); with s₀ ≠ 0, ρ = 0 is an ordinary curve (a = 0), not a line limit.
 */
class ExpForm implements SeparableForm {
  lower: number[];
  upper: number[];
  typical: number[];
  zeroLimit?: SeparableForm['zeroLimit'];
  stepIndex?: number;
  private readonly scales: number[];
  private readonly z: Float64Array[];
  private readonly rhoMax: number;
  /** Per covariate, the scaled rate beyond which that covariate alone makes a step. */
  private readonly axisMax: number[];
  private readonly rhoMin: number;
  private readonly e: Float64Array;
  private cachedU: number[] = [];
  private cachedMin = 0;
  /** The fixed-rate offset o_p at each data point (absent when no rate is fixed, or it is fixed at 0). */
  private readonly offset?: Float64Array;
  private readonly offsetSpan: number = 0;

  constructor(
    private readonly covariates: number[][],
    private readonly rateNames: string[],
    private readonly coords: 'polar' | 'cartesian',
    private readonly fixed?: FixedRate,
  ) {
    if (fixed && fixed.value !== 0) {
      this.offset = Float64Array.from(fixed.column, (m) => fixed.value * m);
      this.offsetSpan = Math.max(...this.offset) - Math.min(...this.offset);
    }
    this.scales = covariates.map((col) => Math.max(...col.map(Math.abs)));
    this.z = covariates.map((col, k) => Float64Array.from(col, (v) => v / this.scales[k]));
    const gaps = this.z.map((zk) => smallestGap(distinctSorted(zk)));
    this.axisMax = gaps.map((g) => 50 / g);
    const span = Math.hypot(...this.z.map((zk) => Math.max(...zk) - Math.min(...zk)));
    // e^(−50) ≈ 2e−22: beyond ρ·gap = 50 every anchor after the first sits on the plateau.
    this.rhoMax = 50 / Math.min(...gaps);
    // Below ρ·span = 1e−4 the curve is a line to 1e−4 relative; ρ = 0 (the line itself) is also searched.
    this.rhoMin = 1e-4 / span;
    // With a small fixed offset the best curve can be a near-line whose free rate is as small as the offset's
    // own span: search rates down to a thousandth of it.
    if (this.offsetSpan > 0) this.rhoMin = Math.min(this.rhoMin, 1e-3 * this.offsetSpan);
    this.e = new Float64Array(covariates[0].length);
    const lineLimit = this.offset === undefined;
    if (coords === 'polar') {
      this.lower = [0, -Math.PI / 2];
      this.upper = [this.rhoMax, Math.PI / 2];
      this.typical = [1 / span, 1];
      this.zeroLimit = { kind: 'linear', reached: (t) => t[0] <= 0, toward: (t, size) => [size / span, t[1]] };
      this.stepIndex = 0;
    } else {
      const k = covariates.length;
      this.lower = [0, ...Array<number>(k - 1).fill(-this.rhoMax)];
      this.upper = Array<number>(k).fill(this.rhoMax);
      this.typical = Array<number>(k).fill(1 / span);
      if (lineLimit) this.zeroLimit = {
        kind: 'linear',
        reached: (t) => t.every((v) => v === 0),
        toward: (t, size) => {
          const { u } = this.direction(t);
          return u.map((uk) => (uk * size) / span);
        },
      };
      if (k === 1) this.stepIndex = 0;
    }
  }

  alternate(): ReturnType<NonNullable<SeparableForm['alternate']>> {
    if (this.coords !== 'polar') return undefined;
    return {
      form: new ExpForm(this.covariates, this.rateNames, 'cartesian'),
      to: (t) => [t[0] * Math.cos(t[1]), t[0] * Math.sin(t[1])],
      from: (t) => [Math.hypot(t[0], t[1]), t[0] === 0 && t[1] === 0 ? 0 : Math.atan2(t[1], t[0])],
    };
  }

  /**
   * The basis at scaled rates α (of n) and σ (of covariate j, every other rate 0), up to a positive factor (which
   * the reduced SSE does not see): x_p = 1 − e^(−(r_p − min r)), r_p = α·z0_p + σ·zj_p — the basis at ρ = |(α, σ)|
   * times ρ, made without the angle and the cached projections. At α = σ = 0, the line limit along n (what
   * toPolar and the Cartesian direction give there).
   */
  private cartesianBasis(alpha: number, sigma: number, j = 1): Float64Array {
    const x = this.e;
    this.cachedU = [];
    const [z0, z1] = [this.z[0], this.z[j]];
    if (alpha === 0 && sigma === 0) {
      x.set(z0);
      return x;
    }
    let min = Infinity;
    for (let p = 0; p < x.length; p++) {
      const r = alpha * z0[p] + sigma * z1[p];
      x[p] = r;
      if (r < min) min = r;
    }
    for (let p = 0; p < x.length; p++) x[p] = -Math.expm1(min - x[p]);
    return x;
  }

  /** ρ and the unit direction u of the scaled rates. */
  private direction(theta: ArrayLike<number>): { rho: number; u: number[] } {
    if (this.coords === 'polar') return { rho: theta[0], u: [Math.cos(theta[1]), Math.sin(theta[1])] };
    let rho = 0;
    for (let k = 0; k < theta.length; k++) rho += theta[k] * theta[k];
    rho = Math.sqrt(rho);
    // At ρ = 0 the limit direction is undefined in Cartesian coordinates: take the target task's own axis.
    const u = rho > 0 ? Array.from(theta, (t) => t / rho) : Array.from(theta, (_, k) => (k === 0 ? 1 : 0));
    return { rho, u };
  }

  /** e_p = u·z_p into this.e; returns min_p e_p. Cached: a grid visits many ρ for one direction. */
  private projections(u: ArrayLike<number>): number {
    const cached = this.cachedU;
    let same = cached.length === u.length;
    for (let k = 0; same && k < u.length; k++) same = cached[k] === u[k];
    if (same) return this.cachedMin;
    const e = this.e;
    e.fill(0);
    for (let k = 0; k < u.length; k++) {
      const zk = this.z[k];
      const uk = u[k];
      if (uk !== 0) for (let p = 0; p < e.length; p++) e[p] += uk * zk[p];
    }
    let min = Infinity;
    for (let p = 0; p < e.length; p++) if (e[p] < min) min = e[p];
    this.cachedU = Array.from(u);
    this.cachedMin = min;
    return min;
  }

  /** min_p D_p of the offset form (D_p = ρ·e_p + o_p), after projections(u) filled this.e. */
  private minExponent(rho: number): number {
    const e = this.e;
    const o = this.offset!;
    let min = Infinity;
    for (let p = 0; p < e.length; p++) min = Math.min(min, rho * e[p] + o[p]);
    return min;
  }

  basis(theta: ArrayLike<number>, x: Float64Array): void {
    const { rho, u } = this.direction(theta);
    const min = this.projections(u);
    const e = this.e;
    if (this.offset) {
      const o = this.offset;
      const minD = this.minExponent(rho);
      const kappa = rho + this.offsetSpan;
      for (let p = 0; p < x.length; p++) x[p] = -Math.expm1(-(rho * e[p] + o[p] - minD)) / kappa;
    } else if (rho > 0) for (let p = 0; p < x.length; p++) x[p] = -Math.expm1(-rho * (e[p] - min)) / rho;
    else for (let p = 0; p < x.length; p++) x[p] = e[p] - min;
  }

  basisAt(theta: ArrayLike<number>, point: CurvePoint): number {
    const { rho, u } = this.direction(theta);
    const min = this.projections(u);
    const cov = this.fixed ? this.fixed.covariatesAt(point) : [point.n, ...(point.nSources ?? (point.nOther !== undefined ? [point.nOther] : []))];
    let e = 0;
    for (let k = 0; k < u.length; k++) e += (u[k] * (cov[k] ?? 0)) / this.scales[k];
    if (!this.offset) return saturating(rho, e - min);
    const minD = this.minExponent(rho);
    return -Math.expm1(-(rho * e + this.fixed!.value * this.fixed!.covariateOf(point) - minD)) / (rho + this.offsetSpan);
  }

  starts(sse: (theta: number[]) => number, sseOfBasis?: (x: Float64Array) => number): number[][] {
    const rhoAxis = [0, ...logspace(this.rhoMin, this.rhoMax, 25)];
    if (this.coords === 'polar') {
      // A log–log grid of the scaled rates (a ≥ 0, s of either sign): unlike an angle grid, it resolves a
      // small s/a also where a is large. The line limit ρ = 0 is searched over its direction separately.
      const toPolar = (t: number[]): number[] => [Math.hypot(t[0], t[1]), t[0] === 0 && t[1] === 0 ? 0 : Math.atan2(t[1], t[0])];
      const alphaAxis = [0, ...logspace(this.rhoMin, this.axisMax[0], 5)];
      const positive = logspace(this.rhoMin, this.axisMax[1], 5);
      const sigmaAxis = [...positive.map((v) => -v).reverse(), 0, ...positive];
      // With a direct basis the grid is searched coarse to fine (a fifth of its evaluations, the same starts on
      // the curves checked: docs/methods.md "Curve models").
      const rates = (
        sseOfBasis && !this.offset
          ? coarseToFineGridPoints([alphaAxis, sigmaAxis], (t) => sseOfBasis(this.cartesianBasis(t[0], t[1])), 6)
          : bestGridPoints([alphaAxis, sigmaAxis], (t) => sse(toPolar(t)), 6)
      ).map(toPolar);
      const lines = bestGridPoints([[0], linspace(-Math.PI / 2, Math.PI / 2, 25)], sse, 2);
      return [...rates, ...lines];
    }
    if (this.lower.length === 1) return bestGridPoints([rhoAxis], sse, 3);
    return this.jointStarts(sse, this.offset ? undefined : sseOfBasis);
  }

  /**
   * joint: too many rates for one tensor grid. For each source j, the log–log grid of (a, s_j) with the
   * other rates at 0 (the pairwise problem, coarse to fine when `sseOfBasis` is given; its four best grid
   * minima), then sweeps of every other s_k over 0 and
   * both signs; the four best of these points are polished.
   */
  private jointStarts(sse: (theta: number[]) => number, sseOfBasis?: (x: Float64Array) => number): number[][] {
    const k = this.lower.length;
    const alphaAxis = [0, ...logspace(this.rhoMin, this.axisMax[0], 5)];
    const candidates: { theta: number[]; sse: number }[] = [];
    for (let j = 1; j < k; j++) {
      const positive = logspace(this.rhoMin, this.axisMax[j], 5);
      const sigmaAxis = [...positive.map((v) => -v).reverse(), 0, ...positive];
      const embed = (t: number[]): number[] => {
        const theta = Array<number>(k).fill(0);
        theta[0] = t[0];
        theta[j] = t[1];
        return theta;
      };
      const grid = sseOfBasis
        ? coarseToFineGridPoints([alphaAxis, sigmaAxis], (t) => sseOfBasis(this.cartesianBasis(t[0], t[1], j)), 4)
        : bestGridPoints([alphaAxis, sigmaAxis], (t) => sse(embed(t)), 4);
      for (const point of grid) {
        const theta = embed(point);
        for (let other = 1; other < k; other++) {
          if (other === j) continue;
          const values = logspace(this.rhoMin, this.axisMax[other], 5);
          theta[other] = bestOnLine(theta, other, [0, ...values, ...values.map((v) => -v)], sse);
        }
        candidates.push({ theta, sse: sse(theta) });
      }
    }
    candidates.sort((p, q) => p.sse - q.sse);
    return candidates.slice(0, 4).map((c) => c.theta);
  }

  params(theta: readonly number[], g0: number, g1: number): Record<string, number> {
    const { rho, u } = this.direction(theta);
    const min = this.projections(u);
    const kappa = this.offset ? rho + this.offsetSpan : rho;
    const k = g1 / kappa;
    const out: Record<string, number> = {};
    this.rateNames.forEach((name, i) => (out[name] = (rho * u[i]) / this.scales[i]));
    if (this.fixed) out[this.fixed.rate] = this.fixed.value;
    out.b = Math.log(k) + (this.offset ? this.minExponent(rho) : rho * min);
    out.c = g0 + k;
    return out;
  }

  flatParams(mean: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.rateNames) out[name] = 0;
    if (this.fixed) out[this.fixed.rate] = this.fixed.value;
    out.b = -Infinity;
    out.c = mean;
    return out;
  }
}

/**
 * POW3 and POW4: P = a − b·(n + d)^(−c) (POW3: d = 0). With L = ln((n + d)/(n_min + d)) this is the EXP3
 * form in L:  P = γ₀ + γ₁·(1 − e^(−c·L))/c,  a = γ₀ + γ₁/c,  b = (γ₁/c)·(n_min + d)^c.
 * θ = (c) or (c, ℓ) with d = n_min·(10^ℓ − 1), so that ℓ = 0 is POW3.
 */
class PowForm implements SeparableForm {
  lower: number[];
  upper: number[];
  typical: number[];
  zeroLimit: SeparableForm['zeroLimit'];
  private readonly nMin: number;
  private readonly cMin: number;

  constructor(
    private readonly n: readonly number[],
    private readonly withShift: boolean,
  ) {
    this.nMin = Math.min(...n);
    const L = distinctSorted(n.map((v) => Math.log(v / this.nMin)));
    const cMax = Math.min(50 / smallestGap(L), 100);
    this.cMin = 1e-4 / L[L.length - 1];
    this.lower = withShift ? [0, 0] : [0];
    this.upper = withShift ? [cMax, 5] : [cMax];
    this.typical = withShift ? [1, 1] : [1];
    const unit = 1 / L[L.length - 1];
    this.zeroLimit = { kind: 'log-linear', reached: (t) => t[0] <= 0, toward: (t, size) => [size * unit, ...t.slice(1)] };
  }

  private shift(theta: ArrayLike<number>): number {
    return this.withShift ? this.nMin * (Math.pow(10, theta[1]) - 1) : 0;
  }

  basisAt(theta: ArrayLike<number>, point: CurvePoint): number {
    const d = this.shift(theta);
    return saturating(theta[0], Math.log((point.n + d) / (this.nMin + d)));
  }

  basis(theta: ArrayLike<number>, x: Float64Array): void {
    const d = this.shift(theta);
    for (let p = 0; p < x.length; p++) x[p] = saturating(theta[0], Math.log((this.n[p] + d) / (this.nMin + d)));
  }

  starts(sse: (theta: number[]) => number): number[][] {
    const cAxis = [0, ...logspace(this.cMin, this.upper[0], this.withShift ? 8 : 25)];
    return this.withShift ? bestGridPoints([cAxis, linspace(0, 5, 21)], sse, 4) : bestGridPoints([cAxis], sse, 3);
  }

  params(theta: readonly number[], g0: number, g1: number): Record<string, number> {
    const c = theta[0];
    const d = this.shift(theta);
    const scale = g1 / c;
    const out: Record<string, number> = { a: g0 + scale, b: scale * Math.pow(this.nMin + d, c), c };
    if (this.withShift) out.d = d;
    return out;
  }

  flatParams(mean: number): Record<string, number> {
    return this.withShift ? { a: mean, b: 0, c: 0, d: 0 } : { a: mean, b: 0, c: 0 };
  }
}

/**
 * MMF4: P = (a·b + c·n^d)/(b + n^d) = a + (c − a)·w,  w = 1/(1 + e^(−d·(ln n − m))),  b = e^(d·m):
 * a logistic in ln n with centre m and slope d, so γ₀ = a and γ₁ = c − a ≥ 0. θ = (m, d).
 */
class MmfForm implements SeparableForm {
  lower: number[];
  upper: number[];
  typical = [1, 1];
  private readonly logN: Float64Array;

  constructor(n: readonly number[]) {
    this.logN = Float64Array.from(n, Math.log);
    const lo = Math.min(...this.logN);
    const hi = Math.max(...this.logN);
    this.lower = [lo - 5, 1e-3];
    this.upper = [hi + 5, 50];
  }

  basisAt(theta: ArrayLike<number>, point: CurvePoint): number {
    return 1 / (1 + Math.exp(-theta[1] * (Math.log(point.n) - theta[0])));
  }

  basis(theta: ArrayLike<number>, x: Float64Array): void {
    for (let p = 0; p < x.length; p++) x[p] = 1 / (1 + Math.exp(-theta[1] * (this.logN[p] - theta[0])));
  }

  starts(sse: (theta: number[]) => number): number[][] {
    return bestGridPoints([linspace(this.lower[0], this.upper[0], 31), logspace(0.05, 50, 8)], sse, 4);
  }

  params(theta: readonly number[], g0: number, g1: number): Record<string, number> {
    return { a: g0, b: Math.exp(theta[1] * theta[0]), c: g0 + g1, d: theta[1] };
  }

  flatParams(mean: number): Record<string, number> {
    return { a: mean, b: 1, c: mean, d: 1 };
  }
}

/**
 * The EXP form of `model` with the transfer rate `rate` held at `value`: the model with that rate removed
 * (exp3.2 / pairwise → EXP3 in n; joint → joint without source j, EXP3 when j was its only source) plus the
 * offset value·m_p in the exponent. With value = 0 it is exactly the nested model of the F-test.
 */
export function fixedRateForm(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, rate: string, value: number): SeparableForm {
  if (model !== 'joint') {
    return new ExpForm([data.n], ['a'], 'cartesian', {
      rate,
      value,
      column: data.nOther!,
      covariatesAt: (point) => [point.n],
      covariateOf: (point) => point.nOther ?? 0,
    });
  }
  const names = sourceNamesOf(data);
  const drop = names.indexOf(rate.slice(2));
  const keep = names.map((_, j) => j).filter((j) => j !== drop);
  const columns = keep.map((j) => data.nSources!.map((row) => row[j]));
  return new ExpForm([data.n, ...columns], ['a', ...keep.map((j) => `s_${names[j]}`)], 'cartesian', {
    rate,
    value,
    column: data.nSources!.map((row) => row[drop]),
    covariatesAt: (point) => [point.n, ...keep.map((j) => point.nSources?.[j] ?? 0)],
    covariateOf: (point) => point.nSources?.[drop] ?? 0,
  });
}

/** The separable form of `model` on this (validated) data. */
export function separableForm(model: Exclude<CurveModelName, 'last1'>, data: CurveData): SeparableForm {
  switch (model) {
    case 'exp3':
      return new ExpForm([data.n], ['a'], 'cartesian');
    case 'exp3.2':
    case 'pairwise':
      return new ExpForm([data.n, data.nOther!], ['a', 's'], 'polar');
    case 'joint': {
      const names = sourceNamesOf(data);
      const columns = names.map((_, j) => data.nSources!.map((row) => row[j]));
      return new ExpForm([data.n, ...columns], ['a', ...names.map((s) => `s_${s}`)], 'cartesian');
    }
    case 'pow3':
      return new PowForm(data.n, false);
    case 'pow4':
      return new PowForm(data.n, true);
    case 'mmf4':
      return new MmfForm(data.n);
  }
}
