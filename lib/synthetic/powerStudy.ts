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
import type { TransferFile } from '../results.ts';
import { scaleOf } from '../transfer/scoreComparison.ts';
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

type Entry = { source: string; target: string; value: number };

/** The scores of a transfer.json as pair lists (placebo sources left out), with the cost entry each is charged. */
export function scoresOf(transfer: TransferFile): { score: string; entries: Entry[]; seconds: number | null }[] {
  const cost = (...names: string[]) => (names.every((n) => transfer.cost[n]) ? names.reduce((s, n) => s + transfer.cost[n].seconds, 0) : null);
  const rates = (design: 'pairwise' | 'random') =>
    transfer.pairwise.filter((p) => p.design === design && !p.placebo).map((p) => ({ source: p.source, target: p.target, value: p.s }));
  const tag = (value: (t: TransferFile['tag'][number]) => number | undefined) =>
    transfer.tag.flatMap((t) => (value(t) === undefined ? [] : [{ source: t.source, target: t.target, value: value(t)! }]));
  return [
    { score: 'pairwise', entries: rates('pairwise'), seconds: cost('pairwise') },
    { score: 'random', entries: rates('random'), seconds: cost('random') },
    { score: 'lookahead', entries: transfer.lookahead.filter((l) => !l.placebo).map((l) => ({ source: l.source, target: l.target, value: l.s })), seconds: cost('lookahead', 'single') },
    { score: 'tag', entries: tag((t) => t.z), seconds: cost('tag_run') },
    { score: 'tag_early', entries: tag((t) => t.zEarly), seconds: cost('tag_run') },
    { score: 'tag_heldout', entries: tag((t) => t.zHeldOut), seconds: cost('tag_run') },
    { score: 'tag_heldout_early', entries: tag((t) => t.zHeldOutEarly), seconds: cost('tag_run') },
  ];
}

/** Trains one planted data set under `config` (label-shuffled copies of every task added) and scores each approach. */
export async function plantedPower(planted: PlantedGroupsOptions, config: RunConfig, backend: LoadedBackend): Promise<ScorePower[]> {
  const data = plantedGroups(planted);
  const labels = withPlaceboTasks(data.labels, data.labels.tasks, planted.seed);
  const source: TrainingSource = { features: data.features, labels, assignment: randomFolds(labels.compoundIds.length, config.split.folds, planted.seed) };
  const plan = enumeratePoints(config, availableCounts(labels, [source.assignment], config.split.useFolds));
  const results = await trainPlan({ source, points: plan.points, model: config.model, backend });
  const { transfer } = analyseRun({ runId: `planted-${planted.seed}`, config, points: plan.points, results });
  const scores = scoresOf(transfer);
  const pairwise = new Map(scores.find((s) => s.score === 'pairwise')!.entries.map((e) => [`${e.source}→${e.target}`, e.value]));
  return scores.map(({ score, entries, seconds }) => {
    const r = aurocWithInterval(entries.map((e) => (data.related(e.source, e.target) ? 1 : 0)), entries.map((e) => e.value));
    const shared = entries.filter((e) => pairwise.has(`${e.source}→${e.target}`));
    const scale = scaleOf(shared.map((e) => e.value), shared.map((e) => pairwise.get(`${e.source}→${e.target}`)!));
    return { score, auroc: r.auroc, ci: r.ci, related: r.positives, unrelated: r.negatives, seconds, scale };
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
