// Replicate-level inference of the quantities the Transfer step derives from stored fits (docs/methods.md,
// "Inference"): each is a function of one or two fits' parameters, jackknifed from the fits' stored leave-one-
// replicate-out refits; verdicts come from Benjamini–Hochberg q-values within a family at the study's FDR.
import { jackknife } from '../curves/replicates.ts';
import type { CurveFit, FdrVerdict, ReplicateInference } from '../results.ts';
import { bhQValues } from '../stats/bh.ts';

type Params = Record<string, number>;

/** No inference: the fits' replicate groups and why (the first fit's jackknife note). */
const noJackknife = (fits: readonly CurveFit[]): ReplicateInference => ({
  groups: Math.max(0, ...fits.map((f) => f.replicateGroups ?? f.jackknife?.groups.length ?? 0)),
  se: null,
  df: null,
  t: null,
  p: null,
  ci: null,
  note: fits.map((f) => f.jackknifeNote).find(Boolean) ?? 'the fit has no leave-one-replicate-out refits: run the Fit step again',
});

/**
 * Jackknife of value(θ₁, …, θ_m) over the union of the fits' replicate groups: with group g left out, every fit
 * that has g uses its refit without g, the others their full fit. One fit: the plain jackknife of a function of
 * its parameters; two fits (the single-vs-all gap), the paired jackknife over the replicates both were trained on.
 */
export function derivedInference(fits: readonly CurveFit[], value: (...params: Params[]) => number, alpha: number): ReplicateInference {
  if (fits.some((f) => !f.jackknife)) return noJackknife(fits);
  const groups = [...new Set(fits.flatMap((f) => f.jackknife!.groups))];
  const leaveOut = groups.map((g) =>
    value(
      ...fits.map((f) => {
        const k = f.jackknife!.groups.indexOf(g);
        return k < 0 ? f.params : f.jackknife!.params[k];
      }),
    ),
  );
  return jackknife(value(...fits.map((f) => f.params)), leaveOut, alpha);
}

/**
 * Benjamini–Hochberg within each family: every row's q from the replicate-level p of the rows of its family, and
 * its verdict at `fdr` (positive / negative by the sign of its estimate when q < fdr, none otherwise; null
 * without a p).
 */
export function assignFdrVerdicts<R extends FdrVerdict>(rows: readonly R[], familyOf: (r: R) => string, estimateOf: (r: R) => number | null, fdr: number): void {
  const families = new Map<string, R[]>();
  for (const r of rows) {
    r.family = familyOf(r);
    families.set(r.family, [...(families.get(r.family) ?? []), r]);
  }
  for (const members of families.values()) {
    const q = bhQValues(members.map((r) => r.p));
    members.forEach((r, k) => {
      r.q = q[k];
      const estimate = estimateOf(r);
      r.verdict = q[k] === null || estimate === null ? null : q[k]! < fdr && estimate !== 0 ? (estimate > 0 ? 'positive' : 'negative') : 'none';
    });
  }
}
