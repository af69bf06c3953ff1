// The calibration study of transfer inference (docs/methods.md, "Inference"): simulated pairwise studies with a
// known rate s (0 included) and what makes real replicates dependent — each replicate's deviation from the law
// is a random walk along the source size (shared subsets and initialisation) — to measure each method's type-I
// error, power and interval coverage.
import type { CurveData } from '../curves/data.ts';
import { replicateInference } from '../curves/replicates.ts';
import { transferTest } from '../curves/transfer-test.ts';
import { fitCurve } from '../curves/fit.ts';
import { createRng } from '../stats/rng.ts';
import { bhQValues } from '../stats/bh.ts';

export interface CalibrationCase {
  /** True transfer rate s (per source sample). */
  s: number;
  /** Replicate groups (fold × seed). */
  groups: number;
  /** SD of each replicate's random-walk step per doubling of n_j (AUROC). */
  walk: number;
  /** SD of the independent noise of each point (AUROC). */
  noise: number;
}

/** The law of every simulated study: P = c − exp(b − a·n_i − s·n_j). */
export const CALIBRATION_LAW = { c: 0.85, b: Math.log(0.35), a: 1 / 150 };
const TARGET_SIZES = [16, 32, 64, 128, 256, 512];
const SOURCE_SIZES = [0, 16, 32, 64, 128, 256, 512];

/** One study's pairwise grid: every replicate at every (n_i, n_j) cell, with its own walk along n_j. */
export function simulatePairwiseStudy(c: CalibrationCase, seed: number): CurveData {
  const rng = createRng(seed);
  const data: CurveData & { nOther: number[]; group: number[] } = { n: [], nOther: [], y: [], group: [] };
  for (let g = 0; g < c.groups; g++) {
    const walk = [0];
    for (let k = 1; k < SOURCE_SIZES.length; k++) walk.push(walk[k - 1] + c.walk * rng.normal());
    for (const ni of TARGET_SIZES) {
      SOURCE_SIZES.forEach((nj, k) => {
        const p = CALIBRATION_LAW.c - Math.exp(CALIBRATION_LAW.b - CALIBRATION_LAW.a * ni - c.s * nj);
        data.n.push(ni);
        data.nOther.push(nj);
        data.y.push(p + walk[k] + c.noise * rng.normal());
        data.group.push(g);
      });
    }
  }
  return data;
}

export interface MethodCalibration {
  /** Share of studies whose verdict was not 'none' (type-I error when s = 0, power otherwise). */
  rejectRate: number;
  /** Share of studies whose interval held the true s (null when the method gives none). */
  coverage: number | null;
  /** Studies where the method gave no verdict. */
  undecided: number;
}

export interface CaseCalibration {
  case: CalibrationCase;
  studies: number;
  pooledF: MethodCalibration;
  jackknife: MethodCalibration;
}

/** Runs `studies` simulated studies of each case through the pooled F-test and the replicate-level jackknife. */
export function calibrate(cases: readonly CalibrationCase[], studies: number, alpha = 0.05, seed = 1): CaseCalibration[] {
  return cases.map((c, ci) => {
    let fReject = 0;
    let jReject = 0;
    let jCovered = 0;
    let jUndecided = 0;
    for (let k = 0; k < studies; k++) {
      const data = simulatePairwiseStudy(c, seed * 1_000_003 + ci * 10_007 + k);
      const full = fitCurve('pairwise', data);
      if (transferTest('pairwise', data, 's', { alpha, full }).verdict !== 'none') fReject++;
      const r = replicateInference('pairwise', data, 's', { alpha, full });
      if (r.p === null) jUndecided++;
      else if (r.p < alpha) jReject++;
      if (r.ci && r.ci[0] <= c.s && c.s <= r.ci[1]) jCovered++;
    }
    const decided = studies - jUndecided;
    return {
      case: c,
      studies,
      pooledF: { rejectRate: fReject / studies, coverage: null, undecided: 0 },
      jackknife: { rejectRate: decided ? jReject / decided : 0, coverage: decided ? jCovered / decided : null, undecided: jUndecided },
    };
  });
}

export interface NullFamilyCalibration {
  case: CalibrationCase;
  families: number;
  pairs: number;
  /** Mean share of the pairs of a family called by the pooled F-test at alpha (no multiplicity control). */
  pooledFShare: number;
  /** Mean share called by the replicate-level p < alpha alone. */
  jackknifeShare: number;
  /** Mean share called after Benjamini–Hochberg within the family (q < fdr): the verdicts mtlc prints. */
  fdrShare: number;
  /** Share of families with at least one call after FDR control (bounded by fdr when every pair is null). */
  anyFdrCall: number;
}

/**
 * Data with no transfer at all: `families` studies of `pairs` unrelated pairs each (true s = 0 for every pair,
 * replicate walks as in `c`), every pair through the pooled F-test and the replicate-level test, then
 * Benjamini–Hochberg within the family as the Transfer step does.
 */
export function nullFamilies(c: CalibrationCase, families: number, pairs: number, options: { alpha?: number; fdr?: number; seed?: number } = {}): NullFamilyCalibration {
  const alpha = options.alpha ?? 0.05;
  const fdr = options.fdr ?? 0.05;
  const seed = options.seed ?? 7;
  const nullCase = { ...c, s: 0 };
  let fShare = 0;
  let jShare = 0;
  let qShare = 0;
  let any = 0;
  for (let f = 0; f < families; f++) {
    const pValues: (number | null)[] = [];
    let fCalls = 0;
    for (let k = 0; k < pairs; k++) {
      const data = simulatePairwiseStudy(nullCase, seed * 1_000_003 + f * 10_007 + k);
      const full = fitCurve('pairwise', data);
      if (transferTest('pairwise', data, 's', { alpha, full }).verdict !== 'none') fCalls++;
      pValues.push(replicateInference('pairwise', data, 's', { alpha, full }).p);
    }
    const qCalls = bhQValues(pValues).filter((q) => q !== null && q < fdr).length;
    fShare += fCalls / pairs;
    jShare += pValues.filter((p) => p !== null && p < alpha).length / pairs;
    qShare += qCalls / pairs;
    if (qCalls > 0) any++;
  }
  return { case: nullCase, families, pairs, pooledFShare: fShare / families, jackknifeShare: jShare / families, fdrShare: qShare / families, anyFdrCall: any / families };
}
