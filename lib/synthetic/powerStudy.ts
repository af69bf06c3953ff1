// The power study of the transfer scores (docs/methods.md, "Comparison"): planted task groups, every score's
// AUROC at separating related from unrelated ordered pairs, with an interval, at its measured compute.
import type { RunConfig } from '../config.ts';
import { withPlaceboTasks } from '../data/placebo.ts';
import { enumeratePoints } from '../design/index.ts';
import type { LoadedBackend } from '../model/index.ts';
import { availableCounts, randomFolds } from '../splits/index.ts';
import { aurocWithInterval } from '../stats/aurocInterval.ts';
import { tCritical } from '../stats/tdist.ts';
import type { TrainingSource } from '../training/point.ts';
import { analyseRun } from '../transfer/index.ts';
import { pairKey } from '../transfer/agreement.ts';
import { pairScores, scaleOf, SCORE_NAMES, scoreSeconds } from '../transfer/scoreComparison.ts';
import { plantedGroups, type PlantedGroupsOptions } from './plantedGroups.ts';
import { trainPlan } from './trainPlan.ts';

/** One score of one planted set: its separation of related from unrelated pairs, and what it cost. */
export interface ScorePower {
  score: string;
  auroc: number | null;
  ci: [number, number] | null;
  related: number;
  unrelated: number;
  seconds: number | null;
  /** Slope through the origin of the pairwise grid's s_ij on the score (1: on the curves' scale). */
  scale: number | null;
}

/** Trains one planted data set under `config` (label-shuffled copies of every task added) and scores each approach. */
export async function plantedPower(planted: PlantedGroupsOptions, config: RunConfig, backend: LoadedBackend): Promise<ScorePower[]> {
  const data = plantedGroups(planted);
  const labels = withPlaceboTasks(data.labels, data.labels.tasks, planted.seed);
  const source: TrainingSource = { features: data.features, labels, assignment: randomFolds(labels.compoundIds.length, config.split.folds, planted.seed) };
  const plan = enumeratePoints(config, availableCounts(labels, [source.assignment], config.split.useFolds));
  const results = await trainPlan({ source, points: plan.points, model: config.model, backend });
  const { transfer } = analyseRun({ runId: `planted-${planted.seed}`, config, points: plan.points, results });
  const split = config.split.kinds[0];
  const scores = pairScores(transfer, split);
  const pairwise = new Map(scores.pairwise.map((e) => [pairKey(e.source, e.target), e.value]));
  return SCORE_NAMES.map((score) => {
    const entries = scores[score];
    const r = aurocWithInterval(entries.map((e) => (data.related(e.source, e.target) ? 1 : 0)), entries.map((e) => e.value));
    const shared = entries.filter((e) => pairwise.has(pairKey(e.source, e.target)));
    const scale = scaleOf(shared.map((e) => e.value), shared.map((e) => pairwise.get(pairKey(e.source, e.target))!));
    return { score, auroc: r.auroc, ci: r.ci, related: r.positives, unrelated: r.negatives, seconds: scoreSeconds(transfer.cost, score), scale };
  });
}

/** A score over the data sets: mean AUROC with a (1 − α) t interval over the sets, and the mean compute. */
export function summarisePower(perSet: readonly ScorePower[][], alpha = 0.05): { score: string; sets: number; mean: number | null; ci: [number, number] | null; seconds: number | null }[] {
  const names = [...new Set(perSet.flatMap((set) => set.map((s) => s.score)))];
  return names.map((score) => {
    const rows = perSet.flatMap((set) => set.filter((s) => s.score === score));
    const values = rows.map((r) => r.auroc).filter((v): v is number => v !== null);
    const costs = rows.map((r) => r.seconds).filter((v): v is number => v !== null);
    const seconds = costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : null;
    if (values.length === 0) return { score, sets: 0, mean: null, ci: null, seconds };
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    if (values.length < 2) return { score, sets: 1, mean, ci: null, seconds };
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    const half = tCritical(alpha, values.length - 1) * (sd / Math.sqrt(values.length));
    return { score, sets: values.length, mean, ci: [Math.max(0, mean - half), Math.min(1, mean + half)], seconds };
  });
}
