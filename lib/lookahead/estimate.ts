// From the snapshot branches' readings to s_ij on the pairwise curves' scale (docs/methods.md, "Snapshot branches").
import { jackknife } from '../curves/replicates.ts';
import { tCritical, tTwoSidedP } from '../stats/tdist.ts';
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

/** Every replicate of one target's branches, with its single-task curve. */
export interface TargetBranches {
  target: string;
  replicates: BranchReplicate[];
  curve: TargetCurve;
}

export interface BranchEstimate {
  source: string;
  target: string;
  /** ŝ_ij on the pairwise curves' scale (per sample of the source). */
  s: number;
  /** ŝ_ij / â_i: how many of the target's own samples one source sample is worth. */
  exchangeRate: number;
  /** 'log' when every mean reading of the target lies below its ĉ; 'linear' (first order in the gap) otherwise. */
  form: 'log' | 'linear';
  inference: ReplicateInference;
  /** Mean readings (validation AUROC) over the replicates: control, self, this source, and the placebo mean used. */
  readings: { control: number; self: number; source: number; placebo: number | null };
}

/** Why a target's branches (or a whole split's) give no estimates. */
export interface BranchFailure {
  target?: string;
  reason: string;
}

/** The branches' efficiency: the share of the curves' own-sample gain a branch of this length delivers. */
export interface BranchEfficiency {
  /** φ̂ pooled over the targets, and each target's own φ_i (a diagnostic: they scatter widely). */
  pooled: number;
  byTarget: Record<string, number>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The smallest gap c − P_control for which the gaps are read (below it ĉ is no asymptote of these readings). */
const MIN_GAP = 1e-3;

interface TargetMeans {
  control: number;
  self: number;
  sources: Map<string, number>;
}

/**
 * Mean reading of each branch over the replicates. Every replicate must have control and self; a source enters only
 * when every replicate read it, so each difference P_j − P_control is over the same (paired) replicates.
 */
function branchMeans(replicates: readonly BranchReplicate[]): TargetMeans | undefined {
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
  const paired = [...sources].filter(([, v]) => v.length === control.length);
  return { control: mean(control), self: mean(self), sources: new Map(paired.map(([s, v]) => [s, mean(v)])) };
}

/**
 * The log-gaps of one target: L_x = log((c − P_x)/(c − P_control)) (= −φ·rate_x·Δ under EXP3.2), or to first order
 * −(P_x − P_control)/(c − P_control) when a reading reaches c; L_placebo per source = the mean over the placebo
 * copies other than that source.
 */
function logGaps(m: TargetMeans, c: number): { form: 'log' | 'linear'; L: (p: number) => number } | undefined {
  const gap = c - m.control;
  if (!(gap > MIN_GAP)) return undefined;
  const form = [m.self, ...m.sources.values()].every((p) => c - p > 0) ? 'log' : 'linear';
  return { form, L: (p) => (form === 'log' ? Math.log((c - p) / gap) : -(p - m.control) / gap) };
}

interface SplitReading {
  phi: number;
  byTarget: Map<string, { m: TargetMeans; a: number; form: 'log' | 'linear'; L: (p: number) => number; lSelf: number }>;
}

/**
 * The pooled efficiency over the targets: φ̂ = Σ_i L_self,i / Σ_i (−a_i·Δ) — how much of the curve's gain from Δ own
 * rows a branch delivers — with each target's means computed without the replicate `without` (jackknife).
 */
function readSplit(targets: readonly TargetBranches[], delta: number, without?: string): SplitReading | undefined {
  const byTarget: SplitReading['byTarget'] = new Map();
  let lSelf = 0;
  let curveGain = 0;
  for (const t of targets) {
    const m = branchMeans(without === undefined ? t.replicates : t.replicates.filter((r) => r.group !== without));
    const k = without === undefined ? -1 : (t.curve.jackknife?.groups.indexOf(without) ?? -1);
    const params = k >= 0 ? t.curve.jackknife!.params[k] : t.curve.params;
    if (!m || !(params.a > 0)) continue;
    const gaps = logGaps(m, params.c);
    if (!gaps) continue;
    const l = gaps.L(m.self);
    byTarget.set(t.target, { m, a: params.a, ...gaps, lSelf: l });
    lSelf += l;
    curveGain += -params.a * delta;
  }
  if (byTarget.size === 0) return undefined;
  return { phi: lSelf / curveGain, byTarget };
}

/**
 * ŝ_ij = −(L_j − L_placebo) / (φ̂·Δ) of one (target, source) from a split's reading; undefined when it has none.
 * `copyVariance`: the variance the placebo copies add that the replicates do not show — copies differ from each
 * other (in their positive rate, say) the same way in every replicate. With v the variance of L over the target's
 * P copies, Var(L_placebo) = v/P for a real source and Var(L_p − mean of the others) = v·(1 + 1/(P − 1)) for a
 * copy p, on the scale of ŝ (÷ (φ̂Δ)²), with P − 1 degrees of freedom; null with fewer than 2 copies.
 */
function rateOf(
  reading: SplitReading | undefined,
  target: string,
  source: string,
  delta: number,
): { s: number; a: number; placebo: number | null; copyVariance: { value: number; df: number } | null } | undefined {
  const t = reading?.byTarget.get(target);
  const pj = t?.m.sources.get(source);
  if (!reading || !t || pj === undefined || !(reading.phi > 0)) return undefined;
  const copies = [...t.m.sources.entries()].filter(([s]) => isPlacebo(s));
  const placebos = copies.filter(([s]) => s !== source).map(([, p]) => p);
  // A placebo copy is a control row only against other placebos: alone, it has nothing to be compared with.
  if (isPlacebo(source) && placebos.length === 0) return undefined;
  const lPlacebo = placebos.length ? mean(placebos.map(t.L)) : 0;
  const scale = reading.phi * delta;
  let copyVariance: { value: number; df: number } | null = null;
  if (copies.length >= 2) {
    const ls = copies.map(([, p]) => t.L(p));
    const m = mean(ls);
    const v = ls.reduce((a, l) => a + (l - m) ** 2, 0) / (ls.length - 1);
    const factor = isPlacebo(source) ? 1 + 1 / placebos.length : 1 / placebos.length;
    copyVariance = { value: (v * factor) / scale ** 2, df: copies.length - 1 };
  }
  return { s: -(t.L(pj) - lPlacebo) / scale, a: t.a, placebo: placebos.length ? mean(placebos) : null, copyVariance };
}

/**
 * The jackknife's variance plus the placebo copies' (rateOf), t on Welch–Satterthwaite degrees of freedom:
 * SE² = SE²_jack + V_copies, ν = SE⁴ / (SE⁴_jack/(G − 1) + V²_copies/(P − 1)).
 */
function withCopyVariance(inference: ReplicateInference, estimate: number, copies: { value: number; df: number } | null, alpha: number): ReplicateInference {
  if (!copies || inference.se === null || inference.df === null) return inference;
  const se = Math.sqrt(inference.se ** 2 + copies.value);
  const df = se ** 4 / (inference.se ** 4 / inference.df + copies.value ** 2 / copies.df);
  const t = estimate / se;
  const half = tCritical(alpha, df) * se;
  return { ...inference, se, df, t, p: tTwoSidedP(t, df), ci: [estimate - half, estimate + half] };
}

/**
 * Estimates for every (target, source) of one split — real sources, and each placebo copy against the other
 * placebos (the control rows) — on the pairwise curves' scale through the pooled branch efficiency φ̂, with the
 * replicate-level jackknife (replicate g left out of every target's branch means and of the EXP3 fits — their
 * stored refits without g — φ̂ recomputed) plus the variance between placebo copies (withCopyVariance). No
 * estimates when the self branches beat no control on the whole.
 */
export function branchEstimates(
  targets: readonly TargetBranches[],
  delta: number,
  alpha: number,
): { estimates: BranchEstimate[]; failures: BranchFailure[]; efficiency?: BranchEfficiency } {
  const full = readSplit(targets, delta);
  const failures: BranchFailure[] = [];
  for (const t of targets) {
    if (!full?.byTarget.has(t.target)) {
      failures.push({ target: t.target, reason: `no usable readings or single-task curve: every replicate needs control and self readings, the EXP3 fit a > 0 and c above the control's AUROC` });
    }
  }
  if (!full) return { estimates: [], failures };
  const efficiency: BranchEfficiency = { pooled: full.phi, byTarget: Object.fromEntries([...full.byTarget].map(([t, r]) => [t, r.lSelf / (-r.a * delta)])) };
  if (!(full.phi > 0)) {
    return { estimates: [], failures: [...failures, { reason: `Δ more rows of the targets themselves did not raise their validation AUROC on the whole (branch efficiency φ̂ = ${full.phi.toFixed(3)}): the branches have no scale` }], efficiency };
  }
  const groups = [...new Set(targets.flatMap((t) => t.replicates.map((r) => r.group)))].sort();
  const leaveOut = new Map(groups.map((g) => [g, readSplit(targets, delta, g)]));
  // Without a curve's refits the jackknife would hold its c and a fixed: too narrow an interval, so none.
  const noRefits = targets.filter((t) => full.byTarget.has(t.target) && !t.curve.jackknife).map((t) => t.target);
  const estimates: BranchEstimate[] = [];
  for (const [target, t] of [...full.byTarget].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const source of [...t.m.sources.keys()].sort()) {
      const e = rateOf(full, target, source, delta);
      if (!e) continue;
      const without = groups.map((g) => rateOf(leaveOut.get(g), target, source, delta)?.s ?? Number.NaN);
      const inference = noRefits.length
        ? { groups: groups.length, se: null, df: null, t: null, p: null, ci: null, note: `the single-task fit of ${noRefits.join(', ')} has no leave-one-replicate-out refits (they scale every estimate): no interval; run the Fit step again` }
        : withCopyVariance(jackknife(e.s, without, alpha), e.s, e.copyVariance, alpha);
      estimates.push({
        source,
        target,
        s: e.s,
        exchangeRate: e.s / e.a,
        form: t.form,
        inference,
        readings: { control: t.m.control, self: t.m.self, source: t.m.sources.get(source)!, placebo: e.placebo },
      });
    }
  }
  return { estimates, failures, efficiency };
}
