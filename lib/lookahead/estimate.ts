// From the snapshot branches' readings to s_ij on the pairwise curves' scale (docs/methods.md, "Snapshot branches").
import { jackknife } from '../curves/replicates.ts';
import { isPlacebo } from '../data/placebo.ts';
import type { ReplicateInference } from '../results.ts';
import type { LookaheadRecord } from '../types.ts';

/** One replicate's branches of one target. */
export interface BranchReplicate {
  /** The replicate group (fold × seed), as the curve fits label it. */
  group: string;
  record: LookaheadRecord;
}

type Params = Record<string, number>;

/** The target's single-task EXP3 fit: c and a (and its leave-one-replicate-out refits, when stored). */
export interface TargetCurve {
  params: Params;
  jackknife?: { groups: string[]; params: Params[] };
}

export interface BranchEstimate {
  source: string;
  /** ŝ_ij on the pairwise curves' scale (per sample of the source). */
  s: number;
  /** The exchange rate ŝ_ij/â_i the branches measure directly. */
  exchangeRate: number;
  /** 'log' when every mean reading lies below ĉ (the EXP3.2 form), 'linear' when it falls back (ĉ cancels). */
  form: 'log' | 'linear';
  inference: ReplicateInference;
  /** Mean readings (validation AUROC) over the replicates: control, self, this source, and the placebo mean used. */
  readings: { control: number; self: number; source: number; placebo: number | null };
}

/** Why a target's branches give no estimates. */
export interface BranchFailure {
  source?: string;
  reason: string;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Means {
  control: number;
  self: number;
  sources: Map<string, number>;
}

/** Mean reading of each branch over the replicates where it is defined (every replicate must have control and self). */
function branchMeans(replicates: readonly BranchReplicate[]): Means | undefined {
  const control: number[] = [];
  const self: number[] = [];
  const sources = new Map<string, number[]>();
  for (const { record } of replicates) {
    if (record.control === null || record.self === null) return undefined;
    control.push(record.control);
    self.push(record.self);
    for (const [s, v] of Object.entries(record.sources)) if (v !== null) sources.set(s, [...(sources.get(s) ?? []), v]);
  }
  if (control.length === 0) return undefined;
  return { control: mean(control), self: mean(self), sources: new Map([...sources].map(([s, v]) => [s, mean(v)])) };
}

/**
 * s_ij of one source from the mean readings, with c and a of the target's EXP3 curve:
 *   L_x = log((c − P̄_x)/(c − P̄_control))          (= −rate_x·Δ under EXP3.2)
 *   L_placebo = mean of L_p over the placebo sources p ≠ j
 *   r_ij = (L_j − L_placebo) / L_self,   s_ij = a · r_ij
 * When some P̄ reaches c, the linear form L_x = −(P̄_x − P̄_control) (c cancels in r) is used instead.
 */
function estimateOne(m: Means, source: string, placebos: readonly string[], curve: Params): { s: number; r: number; form: 'log' | 'linear'; placebo: number | null } | undefined {
  const pj = m.sources.get(source);
  if (pj === undefined) return undefined;
  const pp = placebos.filter((p) => p !== source && m.sources.has(p)).map((p) => m.sources.get(p)!);
  const { c, a } = curve;
  const readings = [m.control, m.self, pj, ...pp];
  const form = readings.every((p) => c - p > 0) ? 'log' : 'linear';
  const L = (p: number) => (form === 'log' ? Math.log((c - p) / (c - m.control)) : -(p - m.control));
  const placebo = pp.length ? mean(pp.map(L)) : null;
  const r = (L(pj) - (placebo ?? 0)) / L(m.self);
  return { s: a * r, r, form, placebo: pp.length ? mean(pp) : null };
}

/**
 * Estimates for every source of one target (real sources, and each placebo copy against the other placebos as its
 * control), with the replicate-level jackknife: replicate g left out of the branch means and of the EXP3 fit (its
 * stored refit without g). No estimate when the self branch did not beat the control (the scale is undefined).
 */
export function branchEstimates(replicates: readonly BranchReplicate[], curve: TargetCurve, alpha: number): { estimates: BranchEstimate[]; failures: BranchFailure[] } {
  const m = branchMeans(replicates);
  if (!m) return { estimates: [], failures: [{ reason: 'a replicate has no control or self reading (the validation rows have one class)' }] };
  const failures: BranchFailure[] = [];
  if (!(curve.params.a > 0) || !Number.isFinite(curve.params.c)) return { estimates: [], failures: [{ reason: `the target's single-task EXP3 fit has no usable c and a (a = ${curve.params.a})` }] };
  if (!(m.self > m.control)) {
    return { estimates: [], failures: [{ reason: `Δ more rows of the target itself did not raise its validation AUROC (self ${m.self.toFixed(4)} vs control ${m.control.toFixed(4)}): the branches have no scale` }] };
  }
  const sources = [...m.sources.keys()].sort();
  const placebos = sources.filter(isPlacebo);
  const groups = replicates.map((r) => r.group);
  const curveWithout = (g: string): Params => {
    const k = curve.jackknife?.groups.indexOf(g) ?? -1;
    return k >= 0 ? curve.jackknife!.params[k] : curve.params;
  };
  const estimates: BranchEstimate[] = [];
  for (const source of sources) {
    const full = estimateOne(m, source, placebos, curve.params);
    if (!full) continue;
    const leaveOut = groups.map((g) => {
      const rest = branchMeans(replicates.filter((r) => r.group !== g));
      const e = rest ? estimateOne(rest, source, placebos, curveWithout(g)) : undefined;
      return e ? e.s : Number.NaN;
    });
    estimates.push({
      source,
      s: full.s,
      exchangeRate: full.r,
      form: full.form,
      inference: jackknife(full.s, leaveOut, alpha),
      readings: { control: m.control, self: m.self, source: m.sources.get(source)!, placebo: full.placebo },
    });
  }
  return { estimates, failures };
}
