// A small study whose point results follow EXP3.2 / joint laws with known transfer rates (lib/synthetic), shared by
// the tests of the Fit / Transfer split. Every design runs, so every kind of fit and rate appears.
import { parseRunConfig } from '../../lib/config.ts';
import { enumeratePoints } from '../../lib/design/index.ts';
import { pointResultsFromLaws, type TransferLaw } from '../../lib/synthetic/curveLaws.ts';
import type { AnalyseInput } from '../../lib/transfer/index.ts';

export const laws: Record<string, TransferLaw> = {
  A: { c: 0.9, b: Math.log(0.4), a: 0.01, s: { B: 0.006, C: 0.002 } },
  B: { c: 0.85, b: Math.log(0.2), a: 0.01, s: { A: -0.0005, C: -0.0015 } },
  C: { c: 0.8, b: Math.log(0.3), a: 0.008, s: { A: 0.001, B: -0.001 } },
};

/** Affinity matrices ordered like the true rates (sign 1) or against them (sign −1), as TAG / lookahead stand-ins. */
const truthMatrix = (sign: number) =>
  Object.fromEntries(['A', 'B', 'C'].map((source) => [source, Object.fromEntries(Object.entries(laws).filter(([t]) => t !== source).map(([t, law]) => [t, sign * law.s[source]]))]));

/** One fold, `seeds` seeds (replicate groups: two by default, too few for a replicate-level interval), every design. */
export function lawStudy(runId = 'split-laws', seeds = 2): AnalyseInput {
  const config = parseRunConfig({
    split: { useFolds: [0] },
    study: { designs: ['single', 'all', 'contextual', 'pairwise', 'random'], seeds, randomRuns: 10, bootstrap: 12, alpha: 0.05 },
  });
  const available = ['A', 'B', 'C'].map((task) => ({ split: 'random' as const, fold: 0, task, nTrain: 256 }));
  const plan = enumeratePoints(config, available);
  const results = pointResultsFromLaws(plan.points, laws, { noise: 0.003, seed: 11, tag: truthMatrix(1) });
  return { runId, config, points: plan.points, results, caps: plan.caps };
}
