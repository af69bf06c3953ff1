// The computational transfer scores (TAG Z and lookahead D) carried by probed points, averaged into one list each.
import type { TransferFile } from '../results.ts';
import { groupTasks } from '../tag/grouping.ts';
import type { CompletedPoint } from './observations.ts';

export type PairScore = { source: string; target: string; value: number };

/**
 * Mean score per ordered pair over every point that carries it (all splits, folds and seeds):
 * Z̄_{j→i} = (1/|P|) Σ_{p∈P} Z^p_{j→i}, P = the probed points where the pair is defined (finite).
 */
export function meanPairScores(matrices: Record<string, Record<string, number>>[]): PairScore[] {
  const sums = new Map<string, { source: string; target: string; sum: number; count: number }>();
  for (const m of matrices) {
    for (const [source, row] of Object.entries(m)) {
      for (const [target, value] of Object.entries(row)) {
        if (source === target || !Number.isFinite(value)) continue;
        const key = `${source}\u0000${target}`;
        const entry = sums.get(key) ?? { source, target, sum: 0, count: 0 };
        entry.sum += value;
        entry.count += 1;
        sums.set(key, entry);
      }
    }
  }
  return [...sums.values()]
    .map((e) => ({ source: e.source, target: e.target, value: e.sum / e.count }))
    .sort((a, b) => (a.source === b.source ? cmp(a.target, b.target) : cmp(a.source, b.source)));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function tagScores(completed: CompletedPoint[]): TransferFile['tag'] {
  return meanPairScores(completed.flatMap((c) => (c.result.tag ? [c.result.tag.z] : []))).map((s) => ({ source: s.source, target: s.target, z: s.value }));
}

export function lookaheadScores(completed: CompletedPoint[]): TransferFile['lookahead'] {
  return meanPairScores(completed.flatMap((c) => (c.result.lookahead ? [c.result.lookahead.d] : []))).map((s) => ({ source: s.source, target: s.target, d: s.value }));
}

/** TAG's grouping of the tasks from the mean affinities (exact search for K ≤ 10, clustering beyond; lib/tag). */
export function tagGroupsOf(tag: TransferFile['tag']): TransferFile['tagGroups'] {
  if (tag.length === 0) return undefined;
  const affinity: Record<string, Record<string, number>> = {};
  for (const { source, target, z } of tag) (affinity[source] ??= {})[target] = z;
  const tasks = [...new Set(tag.flatMap((t) => [t.source, t.target]))].sort();
  return groupTasks(affinity, { tasks });
}
