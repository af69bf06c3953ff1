// Binarisation of continuous affinities into active / inactive labels.

export type TieRule = '>=' | '>';

/** Documented default thresholds of the built-in data sets (He et al. 2017; used by DeepDTA). */
export const DEFAULT_THRESHOLDS = {
  /** KIBA score (SimBoost-transformed: higher = stronger binding). */
  kiba: 12.1,
  /** Davis pKd = −log10(Kd / 1 M); 7 ⇔ Kd = 100 nM. */
  davis: 7,
} as const;

/**
 * label(v) = 1 if v ≥ t (tie '>=') or v > t (tie '>'), else 0.
 * The tie rule matters: 2099 KIBA scores equal 12.1 exactly.
 */
export function binarize(value: number, threshold: number, tie: TieRule): 0 | 1 {
  return (tie === '>=' ? value >= threshold : value > threshold) ? 1 : 0;
}
