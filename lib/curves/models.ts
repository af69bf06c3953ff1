// The curve models, as one table of formulas (in the spirit of LCDB's curve zoo).
//
// P is the held-out performance (AUROC) of the target task; n its training size; n_other the size of the
// other tasks (exp3.2: n_Σ, their sum; pairwise: n_j of one source task); n_j the sizes of the source tasks.
// Every model except last1 is fitted by the same machinery (./fit.ts): each is written as
// P = γ₀ + γ₁·x(θ; n) with γ₁ ≥ 0 (see ./forms.ts), linear in γ for fixed θ.
import type { CurveModelName } from '../results.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { sourceNamesOf } from './data.ts';

export interface CurveModelSpec {
  name: CurveModelName;
  /** Parameter names, in reporting order (joint: one s_<source> per source task). */
  params: readonly string[];
  formula: string;
  constraints: string;
  /** P at one point from named parameters. */
  predict(p: Record<string, number>, x: CurvePoint): number;
}

const expRates = (p: Record<string, number>, x: CurvePoint, names: readonly string[]): number =>
  (x.nSources ?? []).reduce((sum, nj, j) => sum + p[`s_${names[j]}`] * nj, 0);

/** The table. `joint` lists its fixed parameters; its s_<source> ones come from the data (see `paramNames`). */
export const CURVE_MODELS: Readonly<Record<CurveModelName, CurveModelSpec>> = {
  exp3: {
    name: 'exp3',
    params: ['a', 'b', 'c'],
    formula: 'P = c − exp(b − a·n)',
    constraints: 'a ≥ 0, e^b ≥ 0',
    predict: (p, x) => p.c - Math.exp(p.b - p.a * x.n),
  },
  'exp3.2': {
    name: 'exp3.2',
    params: ['a', 's', 'b', 'c'],
    formula: 'P = c − exp(b − a·n − s·n_Σ)',
    constraints: 'a ≥ 0, s free (transfer rate), e^b ≥ 0',
    predict: (p, x) => p.c - Math.exp(p.b - p.a * x.n - p.s * (x.nOther ?? 0)),
  },
  pairwise: {
    name: 'pairwise',
    params: ['a', 's', 'b', 'c'],
    formula: 'P = c − exp(b − a·n − s·n_j)',
    constraints: 'a ≥ 0, s free (transfer rate from source j), e^b ≥ 0',
    predict: (p, x) => p.c - Math.exp(p.b - p.a * x.n - p.s * (x.nOther ?? 0)),
  },
  joint: {
    name: 'joint',
    params: ['a', 'b', 'c'],
    formula: 'P = c − exp(b − a·n − Σ_j s_j·n_j)',
    constraints: 'a ≥ 0, each s_j free, e^b ≥ 0',
    // Names of the s_j parameters are not known here; predictJoint takes them.
    predict: (p, x) => p.c - Math.exp(p.b - p.a * x.n - expRates(p, x, (x.nSources ?? []).map((_, j) => String(j + 1)))),
  },
  pow3: {
    name: 'pow3',
    params: ['a', 'b', 'c'],
    formula: 'P = a − b·n^(−c)',
    constraints: 'b ≥ 0, c ≥ 0, n > 0',
    predict: (p, x) => p.a - p.b * Math.pow(x.n, -p.c),
  },
  pow4: {
    name: 'pow4',
    params: ['a', 'b', 'c', 'd'],
    formula: 'P = a − b·(n + d)^(−c)',
    constraints: 'b ≥ 0, c ≥ 0, d ≥ 0, n > 0',
    predict: (p, x) => p.a - p.b * Math.pow(x.n + p.d, -p.c),
  },
  mmf4: {
    name: 'mmf4',
    params: ['a', 'b', 'c', 'd'],
    formula: 'P = (a·b + c·n^d) / (b + n^d)',
    constraints: 'b > 0, d > 0, c ≥ a, n > 0',
    // Written as a + (c − a)/(1 + b·n^(−d)) so that n^d cannot overflow.
    predict: (p, x) => p.a + (p.c - p.a) / (1 + Math.exp(Math.log(p.b) - p.d * Math.log(x.n))),
  },
  last1: {
    name: 'last1',
    params: ['y'],
    formula: 'P = y at the largest observed n (mean over its replicates)',
    constraints: '—',
    predict: (p) => p.y,
  },
};

export const CURVE_MODEL_NAMES = Object.keys(CURVE_MODELS) as CurveModelName[];

export function isCurveModelName(name: string): name is CurveModelName {
  return Object.prototype.hasOwnProperty.call(CURVE_MODELS, name);
}

/** The parameter names of `model` for this data (joint: a, s_<source>…, b, c). */
export function paramNames(model: CurveModelName, data?: CurveData): string[] {
  if (model !== 'joint') return [...CURVE_MODELS[model].params];
  const sources = data ? sourceNamesOf(data) : [];
  return ['a', ...sources.map((s) => `s_${s}`), 'b', 'c'];
}

/** Names of the transfer-rate parameters of a model (those the nested F-test can drop). */
export function transferParamNames(model: CurveModelName, data?: CurveData): string[] {
  if (model === 'exp3.2' || model === 'pairwise') return ['s'];
  if (model === 'joint') return paramNames(model, data).filter((p) => p.startsWith('s_'));
  return [];
}

/** P at point x from named parameters; `sourceNames` orders x.nSources for the joint model. */
export function predict(model: CurveModelName, params: Record<string, number>, x: CurvePoint, sourceNames?: readonly string[]): number {
  if (model === 'joint') {
    const names = sourceNames ?? (x.nSources ?? []).map((_, j) => String(j + 1));
    return params.c - Math.exp(params.b - params.a * x.n - expRates(params, x, names));
  }
  return CURVE_MODELS[model].predict(params, x);
}

/** The exchange rates s/a (how many target samples one source sample is worth), named like their rates. */
export function exchangeRates(model: CurveModelName, params: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name === 's' && (model === 'exp3.2' || model === 'pairwise')) out.exchangeRate = value / params.a;
    else if (name.startsWith('s_') && model === 'joint') out[`exchangeRate_${name.slice(2)}`] = value / params.a;
  }
  return out;
}
