// Shapes of the result files a run writes under results/ (documented field by field in docs/results.md).
import type { DesignName, SplitKind } from './types.ts';

export type CurveModelName = 'exp3' | 'exp3.2' | 'pairwise' | 'joint' | 'pow3' | 'pow4' | 'mmf4' | 'last1';

/** One observed performance of one task in one point: the raw material of every curve. */
export interface Observation {
  pointId: string;
  task: string;
  design: DesignName;
  /** Every design the point serves (one training can be a single-task point and a pairwise cell at once). */
  designs?: DesignName[];
  split: SplitKind;
  fold: number;
  seed: number;
  /** Training size of this task. */
  n: number;
  /** Every other task of the point is a placebo copy (a point of the placebo controls). */
  placeboContext?: true;
  /** contextual: n_Σ of the other tasks; pairwise: n of the source task. */
  nOther?: number;
  source?: string;
  /** Held-out AUROC (the curve metric); null when undefined for the test set. */
  y: number | null;
}

/** One fitted curve. `params` names follow the formula table in lib/curves (exp3: a,b,c; exp3.2/pairwise: a,s,b,c). */
/**
 * Which fit of a run a record is about: the same fields on a planned fit, a fit request, a CurveFit and a FitFailure,
 * and one key over them (lib/transfer/fit/plan.ts fitKey).
 */
export interface FitIdentity {
  task: string;
  design: DesignName;
  split: SplitKind;
  model: CurveModelName;
  /** pairwise: the source task j; the contextual placebo control: 'placebo context'. */
  source?: string;
}

export interface CurveFit extends FitIdentity {
  status: 'ok' | 'failed';
  /** Why the fit failed (status 'failed'). */
  error?: string;
  params: Record<string, number>;
  /** EXP3 fits: bootstrap confidence interval of each parameter (transfer fits are not bootstrapped: docs/methods.md). */
  ci?: Record<string, [number, number]>;
  /** Why `ci` is absent or rests on fewer resamples than asked (e.g. a single replicate group). */
  ciError?: string;
  sse: number;
  nPoints: number;
  /**
   * Pointwise bootstrap band of the fitted curve: at each n, the percentile interval (level 1 − alpha) of P(n) over
   * the bootstrap refits (EXP3 fits of the single / all designs: every trained n and log-spaced n between them).
   */
  band?: { n: number; lo: number; hi: number }[];
  /** How many replicate groups (fold × seed) the bootstrap resampled for `ci` and `band`. */
  bootstrapGroups?: number;
  /**
   * Transfer fits: the profile (F-inversion) interval of each transfer rate, keyed like `tests`: the rates r₀ the
   * nested F-test does not reject at `alpha`, so it contains 0 exactly when p ≥ alpha. An unbounded end is
   * ±Infinity (null in JSON); `profileCiNote` says which.
   */
  profileCi?: Record<string, [number, number]>;
  /** Per rate (keys like `profileCi`): which end of its profile interval is unbounded, or why it has none. */
  profileCiNote?: Record<string, string>;
  /**
   * Transfer fits (exp3.2, pairwise, joint): the nested F-test of each transfer rate, keyed by its parameter
   * name ('s'; joint: 's_<source>'). A rate whose test could not be made is absent here and listed in
   * CurvesFile.failed with the reason.
   */
  tests?: Record<string, RateTest>;
  /**
   * EXP3 and transfer fits: the same fit repeated with each replicate group (fold × seed) left out, in `groups`
   * order — what the Transfer step jackknifes every derived quantity from (docs/methods.md, "Inference"). Absent,
   * with `jackknifeNote`, when it could not be made.
   */
  jackknife?: { groups: string[]; params: Record<string, number>[] };
  jackknifeNote?: string;
  /**
   * A joint fit with more than 12 sources: fitted with a ridge penalty λ·Σ(s_j·max n_j)² on its rates, λ chosen by
   * leaving replicates out (docs/methods.md, "The joint model at scale"); σ̂² is the noise of the target's own EXP3 curve.
   */
  penalty?: { lambda: number; sigma2: number; cvError: number; criterion: 'leave-one-replicate-out' | 'fixed' };
  /** EXP3 and transfer fits: how many replicate groups (fold × seed) the fit's points come from. */
  replicateGroups?: number;
}

/**
 * Replicate-level inference of one estimate (lib/curves/replicates.ts): leave-one-replicate-out jackknife standard
 * error, t on G − 1 df. Null fields, and `note`, when it could not be made (fewer than 4 replicate groups, a failed
 * leave-out fit).
 */
export interface ReplicateInference {
  groups: number;
  se: number | null;
  df: number | null;
  t: number | null;
  p: number | null;
  ci: [number, number] | null;
  note?: string;
}

/** Nested F-test of one transfer rate: the fit against the same model with that rate fixed at 0 (lib/curves transferTest). */
export interface RateTest {
  F: number;
  df1: number;
  df2: number;
  /** P(F_{df1,df2} ≥ F) under rate = 0. */
  p: number;
  /** positive / negative by the sign of the rate when p < alpha, else none. */
  verdict: Verdict;
  alpha: number;
  /** SSE of the reduced model (the full model's SSE is the fit's `sse`). */
  sseReduced: number;
}

/** A fit, or the F-test of one of its rates, that the Fit step could not make. */
export interface FitFailure extends FitIdentity {
  /** The transfer rate whose F-test failed; absent when the fit itself failed. */
  rate?: string;
  reason: string;
}

/** LCDB-style extrapolation check: fit on the smaller anchors, error on the larger ones. */
export interface ModelComparison {
  task: string;
  design: DesignName;
  split: SplitKind;
  model: CurveModelName;
  /** Mean squared error on the held-out larger anchors. */
  heldOutMse: number | null;
  /** Absolute error at the last anchor. */
  lastAnchorError: number | null;
  /** Why the model could not be fitted / scored on this curve (errors are then null). */
  error?: string;
}

export interface CurvesFile {
  runId: string;
  metric: 'auroc';
  observations: Observation[];
  fits: CurveFit[];
  comparison: ModelComparison[];
  /** Every fit and F-test that could not be made, with the reason (failed fits also keep status 'failed' in `fits`). */
  failed?: FitFailure[];
}

export type Verdict = 'positive' | 'negative' | 'none';

/** A verdict at the study's false discovery rate, from a replicate-level p (docs/methods.md, "Inference"). */
export interface FdrVerdict {
  /** Two-sided replicate-level p of estimate = 0; null when there is no replicate-level inference. */
  p: number | null;
  /** Benjamini–Hochberg q within `family`. */
  q: number | null;
  /** positive / negative (by the sign of the estimate) when q < study.fdr, none otherwise; null without a p. */
  verdict: Verdict | null;
  /** The family the q-value is computed in, e.g. "pairwise pairwise random" or "contextual random placebo". */
  family: string;
}

/**
 * The nested F-test and profile interval of a rate. Both treat every point as an independent observation, which
 * the points of one replicate are not (their type-I error is inflated): secondary readings, not the verdict.
 */
export interface IndependentPointsTest {
  F: number;
  df1: number;
  df2: number;
  p: number;
  /** At study.alpha, without multiplicity control. */
  verdict: Verdict;
  /** The rates the F-test does not reject; contains 0 exactly when p ≥ alpha. ±Infinity (null in JSON): unbounded. */
  profileCi?: [number, number];
  /** Why profileCi is absent, or which of its ends is unbounded. */
  profileCiNote?: string;
}

/**
 * A transfer rate s: the pooled least-squares estimate, its replicate-level interval and p (primary), q and the
 * verdict at the study's FDR; the target's own rate a and the exchange rate s/a with replicate-level intervals;
 * the F-test and profile interval as secondary readings.
 */
export interface RateEstimate extends FdrVerdict {
  s: number;
  /** Replicate-level (1 − study.alpha) t interval of s; null when `inference` has none (see its note). */
  ci: [number, number] | null;
  /** The jackknife behind `ci` and `p`. */
  inference: ReplicateInference;
  a?: number;
  aCi?: [number, number] | null;
  /** s/a: how many target samples one source sample is worth. */
  exchangeRate?: number;
  exchangeRateCi?: [number, number] | null;
  /** The secondary F-test; absent for the penalised joint model (`independentPointsNote` says why). */
  independentPoints?: IndependentPointsTest;
  independentPointsNote?: string;
}

export interface ContextualTransfer extends RateEstimate {
  task: string;
  split: SplitKind;
  /** The control: the context was the label-shuffled (placebo) copies of the other tasks. */
  placebo?: true;
  a: number;
  exchangeRate: number;
}

export interface PairwiseTransfer extends RateEstimate {
  source: string;
  target: string;
  split: SplitKind;
  /** The control: the source is a label-shuffled (placebo) copy of a task. */
  placebo?: true;
  /** Which design estimated it: the `pairwise` grid or the joint fit of the `random` design. */
  design: 'pairwise' | 'random';
}

/** One training size of a single-vs-all comparison: the fitted gap with its replicate-level inference. */
export interface GapAtN extends FdrVerdict {
  n: number;
  single: number | null;
  all: number | null;
  /** P_all(n) − P_single(n) of the fitted EXP3 curves. */
  gap: number | null;
  /** Replicate-level (1 − study.alpha) t interval of the gap; null without one (see note). */
  ci: [number, number] | null;
  note?: string;
  /** The full training sets, whose size differs by test fold: `n` is their mean, the observed means pool them. */
  full?: true;
  /** Mean observed AUROC at this n (over folds × seeds), null where the design has no point at this n. */
  singleObserved?: number | null;
  allObserved?: number | null;
}

/**
 * TAG's affinity of one ordered pair, averaged over the probed points (docs/methods.md, "TAG"): over the whole run
 * (Fifty et al.), over its first phase (epoch 0), and, when recorded, the held-out-batch variant of both.
 */
export interface TagScore {
  source: string;
  target: string;
  z: number;
  zEarly?: number;
  zHeldOut?: number;
  zHeldOutEarly?: number;
}

/** The snapshot-branch estimate of one ordered pair (docs/methods.md, "Snapshot branches"). */
export interface LookaheadEstimate extends FdrVerdict {
  source: string;
  target: string;
  split: SplitKind;
  /** The source is a placebo copy (its control: the other placebo copies). */
  placebo?: true;
  /** ŝ_ij on the pairwise curves' scale, with its replicate-level interval. */
  s: number;
  ci: [number, number] | null;
  inference: ReplicateInference;
  /** ŝ_ij/â_i as the branches measure it. */
  exchangeRate: number;
  /** 'log': the EXP3.2 log-gap form; 'linear': its first-order form, when a reading reached the curve's c. */
  form: 'log' | 'linear';
  /** Mean validation AUROC of the target per branch over the replicates. */
  readings: { control: number; self: number; source: number; placebo: number | null };
}

/** One pair score against the learning-curve reference s_ij (docs/methods.md, "Comparison"). */
export interface ScoreComparison {
  /** 'pairwise' | 'random' (the curves), 'lookahead' (snapshot branches), 'tag', 'tag_early', 'tag_heldout', 'tag_heldout_early'. */
  name: string;
  /** Ordered pairs compared: those the score shares with the reference (the reference: all of its own). */
  pairs: number;
  /** Compute seconds of the approach (null: not recorded), and as a share of the reference's. */
  seconds: number | null;
  costShare: number | null;
  /** Spearman ρ with the reference over all shared pairs (null for the reference itself). */
  rho: number | null;
  /** Mean within-target ρ over targets with ≥ 3 shared sources, with a t interval over the targets. */
  withinTarget: { rho: number | null; ci: [number, number] | null; targets: number };
  /** AUROC at ranking the pairs the reference calls positive above the rest, with a Hanley–McNeil interval. */
  recovery: { auroc: number | null; ci: [number, number] | null; positives: number; negatives: number } | null;
  /** Slope through the origin of the reference on the score (Σxy/Σx²): 1 for a score on the curves' scale. */
  scale: number | null;
}

export interface SingleVsAll {
  task: string;
  split: SplitKind;
  /** Per training size: all-task minus single-task AUROC (fitted curves), with the observed means. */
  byN: GapAtN[];
}

export interface TransferFile {
  runId: string;
  singleVsAll: SingleVsAll[];
  contextual: ContextualTransfer[];
  pairwise: PairwiseTransfer[];
  tag: TagScore[];
  tagGroups?: { groups: string[][]; score: number; method: 'exact' | 'clustering' };
  lookahead: LookaheadEstimate[];
  /** Per split, the snapshot branches' efficiency φ̂ that puts them on the curves' scale, and each target's own φ_i. */
  lookaheadEfficiency?: { split: SplitKind; delta: number; pooled: number; byTarget: Record<string, number> }[];
  /** Spearman rank correlations over ordered pairs present in both scores. */
  agreement: Record<string, { rho: number | null; pairs: number }>;
  /** Every pair score against the learning-curve reference: agreement, recovery of its calls, cost. */
  comparison?: { reference: string; rows: ScoreComparison[] };
  /** Compute seconds per approach and the device each ran on. */
  cost: Record<string, { seconds: number; points?: number; device: string; backend: string }>;
  /** Points that failed or are missing, so the report can say so. */
  missingPoints: { pointId: string; reason: string }[];
  /** Transfer estimates that could not be made (the fit or its test failed), with the reason; never silently dropped. */
  failed?: { analysis: 'contextual' | 'pairwise' | 'singleVsAll' | 'lookahead'; design: DesignName; split: SplitKind; task: string; source?: string; reason: string }[];
  /** Training sizes capped by the data (from the plan), when the caller passes them. */
  caps?: { task: string; split: SplitKind; fold: number; requested: number; used: number }[];
}
