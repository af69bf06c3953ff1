// The statistical vs computational comparison (docs/methods.md, "Comparison"): each pair score's agreement with
// the learning-curve s_ij, its recovery of the pairs the curves call, and its compute price.
import type { ScoreComparison, TagScore, TransferFile } from '../results.ts';
import type { SplitKind } from '../types.ts';
import { aurocWithInterval } from '../stats/aurocInterval.ts';
import { spearman } from '../stats/spearman.ts';
import { tCritical } from '../stats/tdist.ts';
import { rankAgreement, type PairMap } from './agreement.ts';

/** The pair scores a study can have, in the order tables list them. */
export const SCORE_NAMES = ['pairwise', 'random', 'lookahead', 'tag', 'tag_early', 'tag_heldout', 'tag_heldout_early'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

type PairScore = { source: string; target: string; value: number };

/**
 * Every pair score of a study's results, real pairs only (placebo sources have no counterpart in the other scores),
 * the rates of one split: the curves' s_ij (pairwise grid, random design), the branches' ŝ_ij and TAG's four
 * readings. A score the study did not record is an empty list.
 */
export function pairScores(transfer: Pick<TransferFile, 'pairwise' | 'lookahead' | 'tag'>, split: SplitKind | undefined): Record<ScoreName, PairScore[]> {
  const rates = (design: 'pairwise' | 'random') => transfer.pairwise.filter((p) => p.design === design && p.split === split && !p.placebo).map((p) => ({ source: p.source, target: p.target, value: p.s }));
  const tag = (value: (t: TagScore) => number | undefined) => transfer.tag.flatMap((t) => (value(t) === undefined ? [] : [{ source: t.source, target: t.target, value: value(t)! }]));
  return {
    pairwise: rates('pairwise'),
    random: rates('random'),
    lookahead: transfer.lookahead.filter((l) => l.split === split && !l.placebo).map((l) => ({ source: l.source, target: l.target, value: l.s })),
    tag: tag((t) => t.z),
    tag_early: tag((t) => t.zEarly),
    tag_heldout: tag((t) => t.zHeldOut),
    tag_heldout_early: tag((t) => t.zHeldOutEarly),
  };
}

/**
 * What a score cost, from the cost table (null: not recorded): the curves their design's points; the branches their
 * jobs plus the single-task curves they take c and a_i from; TAG the all-task runs it rides on.
 */
export function scoreSeconds(cost: TransferFile['cost'], name: ScoreName): number | null {
  if (name === 'lookahead') return cost.lookahead ? cost.lookahead.seconds + (cost.single?.seconds ?? 0) : null;
  if (name === 'pairwise' || name === 'random') return cost[name]?.seconds ?? null;
  return cost.tag_run?.seconds ?? null;
}

/** A pair score to compare, and what it cost (null: not recorded). */
export interface ScoreToCompare {
  name: string;
  scores: PairMap;
  seconds: number | null;
}

const targetOf = (key: string) => key.slice(key.indexOf('→') + 1);

/**
 * Mean within-target Spearman ρ between a score and the reference over the sources of each target (targets with
 * at least 3 shared sources), with a (1 − α) t interval over the targets: the comparison that asks whether a
 * score ranks a target's sources as the curves do, free of differences in scale between targets.
 */
export function withinTargetAgreement(score: PairMap, reference: PairMap, alpha = 0.05): ScoreComparison['withinTarget'] {
  const byTarget = new Map<string, { x: number[]; y: number[] }>();
  for (const [key, value] of reference) {
    const other = score.get(key);
    if (other === undefined) continue;
    const t = targetOf(key);
    const entry = byTarget.get(t) ?? { x: [], y: [] };
    entry.x.push(value);
    entry.y.push(other);
    byTarget.set(t, entry);
  }
  const rhos = [...byTarget.values()].filter((e) => e.x.length >= 3).map((e) => spearman(e.x, e.y)).filter((r): r is number => r !== null);
  if (rhos.length === 0) return { rho: null, ci: null, targets: 0 };
  const mean = rhos.reduce((a, b) => a + b, 0) / rhos.length;
  if (rhos.length < 2) return { rho: mean, ci: null, targets: 1 };
  const sd = Math.sqrt(rhos.reduce((a, r) => a + (r - mean) ** 2, 0) / (rhos.length - 1));
  const half = tCritical(alpha, rhos.length - 1) * (sd / Math.sqrt(rhos.length));
  return { rho: mean, ci: [Math.max(-1, mean - half), Math.min(1, mean + half)], targets: rhos.length };
}

/**
 * The least-squares slope through the origin of the reference on a score, Σxy/Σx²: how many units of s_ij one unit
 * of the score is worth (1 for a score on the curves' scale); null without pairs or when the score is all zero.
 */
export function scaleOf(score: readonly number[], reference: readonly number[]): number | null {
  let xy = 0;
  let xx = 0;
  score.forEach((x, k) => {
    xy += x * reference[k];
    xx += x * x;
  });
  return xx > 0 ? xy / xx : null;
}

/**
 * Every score against the reference s_ij (the pairwise grid's when run, else the random design's): pooled and
 * within-target ρ, the AUROC at ranking the pairs the reference calls positive (FDR verdicts) above the others,
 * and the cost as a share of the reference's.
 */
export function compareScores(
  reference: { name: string; scores: PairMap; positive: ReadonlySet<string>; seconds: number | null },
  others: readonly ScoreToCompare[],
  alpha: number,
): NonNullable<TransferFile['comparison']> {
  const rows: ScoreComparison[] = [
    {
      name: reference.name,
      pairs: reference.scores.size,
      seconds: reference.seconds,
      costShare: reference.seconds === null ? null : 1,
      rho: null,
      withinTarget: { rho: null, ci: null, targets: 0 },
      recovery: null,
      scale: 1,
    },
  ];
  for (const other of others) {
    if (other.scores.size === 0) continue;
    const shared = [...reference.scores.keys()].filter((k) => other.scores.has(k));
    const recovery = aurocWithInterval(shared.map((k) => (reference.positive.has(k) ? 1 : 0)), shared.map((k) => other.scores.get(k)!), alpha);
    rows.push({
      name: other.name,
      pairs: shared.length,
      seconds: other.seconds,
      costShare: other.seconds !== null && reference.seconds ? other.seconds / reference.seconds : null,
      rho: rankAgreement(other.scores, reference.scores).rho,
      withinTarget: withinTargetAgreement(other.scores, reference.scores, alpha),
      recovery: recovery.auroc === null ? null : recovery,
      scale: scaleOf(shared.map((k) => other.scores.get(k)!), shared.map((k) => reference.scores.get(k)!)),
    });
  }
  return { reference: reference.name, rows };
}

