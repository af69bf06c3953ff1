// TAG's scores carried by the probed points, averaged into one list; and the snapshot branches' estimates.
import { isPlacebo } from '../data/placebo.ts';
import { branchEstimates, type BranchReplicate, type TargetBranches } from '../lookahead/estimate.ts';
import type { CurveFit, LookaheadEstimate, TagScore, TransferFile } from '../results.ts';
import { groupTasks } from '../tag/grouping.ts';
import type { Affinities, PointSpec, SplitKind } from '../types.ts';
import { replicateGroupOf } from './curveData.ts';
import type { CompletedPoint } from './observations.ts';
import type { RunConfig } from '../config.ts';
import { lookaheadTarget } from '../design/enumerate.ts';
import { pairKey } from './agreement.ts';

export type PairScore = { source: string; target: string; value: number };

/** A branch estimate (or a source's, with `source`) that could not be made, and why. */
export type LookaheadFailure = { split: SplitKind; task: string; source?: string; reason: string };

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

/**
 * TAG per ordered pair, each variant averaged over the probed points that recorded it: z (whole run, Fifty et al.),
 * zEarly (the first phase, epoch 0), and the held-out-batch variants zHeldOut / zHeldOutEarly.
 */
export function tagScores(completed: CompletedPoint[]): TagScore[] {
  const tags = completed.flatMap((c) => (c.result.tag ? [c.result.tag] : []));
  const early = (phases: { from: number; z: Affinities }[] | undefined) => phases?.filter((p) => p.from === 0).map((p) => p.z) ?? [];
  const variants = {
    zEarly: pairLookup(meanPairScores(tags.flatMap((t) => early(t.phases)))),
    zHeldOut: pairLookup(meanPairScores(tags.flatMap((t) => (t.heldOut ? [t.heldOut.z] : [])))),
    zHeldOutEarly: pairLookup(meanPairScores(tags.flatMap((t) => early(t.heldOut?.phases)))),
  };
  return meanPairScores(tags.map((t) => t.z)).map((s) => {
    const score: TagScore = { source: s.source, target: s.target, z: s.value };
    for (const [name, values] of Object.entries(variants) as [keyof typeof variants, Map<string, number>][]) {
      const v = values.get(pairKey(s.source, s.target));
      if (v !== undefined) score[name] = v;
    }
    return score;
  });
}

const pairLookup = (scores: PairScore[]) => new Map(scores.map((s) => [pairKey(s.source, s.target), s.value]));

/**
 * The snapshot-branch estimates of every split whose lookahead jobs completed, with c and a_i from each target's
 * single-task EXP3 fit (`singleFit`); targets without a usable fit or readings are reported as failures.
 */
export function lookaheadEstimates(
  completed: CompletedPoint[],
  singleFit: (split: SplitKind, task: string) => CurveFit | undefined,
  alpha: number,
): {
  estimates: LookaheadEstimate[];
  efficiency: NonNullable<TransferFile['lookaheadEfficiency']>;
  failures: LookaheadFailure[];
} {
  const bySplit = new Map<SplitKind, { delta: number; targets: Map<string, BranchReplicate[]> }>();
  for (const c of completed) {
    const record = c.result.lookahead;
    const spec = c.spec.probes?.lookahead;
    if (!record || !spec) continue;
    const split = bySplit.get(c.spec.split) ?? { delta: spec.delta, targets: new Map() };
    split.targets.set(record.target, [...(split.targets.get(record.target) ?? []), { group: replicateGroupOf(c), record }]);
    bySplit.set(c.spec.split, split);
  }
  const estimates: LookaheadEstimate[] = [];
  const efficiency: NonNullable<TransferFile['lookaheadEfficiency']> = [];
  const failures: LookaheadFailure[] = [];
  for (const [split, { delta, targets }] of [...bySplit].sort(([a], [b]) => cmp(a, b))) {
    const usable: TargetBranches[] = [];
    for (const [target, replicates] of [...targets].sort(([a], [b]) => cmp(a, b))) {
      const fit = singleFit(split, target);
      if (!fit || fit.status !== 'ok') failures.push({ split, task: target, reason: `no single-task EXP3 fit of the target to scale its branches (${fit?.error ?? 'not in curves.json'})` });
      else usable.push({ target, replicates, curve: { params: fit.params, ...(fit.jackknife ? { jackknife: fit.jackknife } : {}) } });
    }
    const out = branchEstimates(usable, delta, alpha);
    for (const f of out.failures) failures.push({ split, task: f.target ?? usable.map((t) => t.target).join(', '), reason: f.reason });
    if (out.efficiency) efficiency.push({ split, delta, pooled: out.efficiency.pooled, byTarget: out.efficiency.byTarget });
    for (const e of out.estimates) {
      estimates.push({
        source: e.source,
        target: e.target,
        split,
        ...(isPlacebo(e.source) ? { placebo: true as const } : {}),
        s: e.s,
        ci: e.inference.ci,
        p: e.inference.p,
        q: null,
        verdict: null,
        family: '',
        inference: e.inference,
        exchangeRate: e.exchangeRate,
        form: e.form,
        readings: e.readings,
      });
    }
  }
  return { estimates, efficiency, failures };
}

/**
 * What the plan could not give a branch, said once per split: a task with a single-task curve but no branch job in
 * any fold (fewer than Δ + 2 training rows), and a source some job had to leave out (fewer than Δ rows there).
 * Without this a too large study.lookahead.delta would leave the pairs silently without estimates.
 */
export function lookaheadCoverage(config: RunConfig, points: readonly PointSpec[]): LookaheadFailure[] {
  if (!config.study.lookahead.enabled) return [];
  const { delta } = config.study.lookahead;
  const out: LookaheadFailure[] = [];
  for (const split of config.split.kinds) {
    const inSplit = points.filter((p) => p.split === split);
    // The plan gives no branches to a study of one task (nothing to add to it): nothing is missing then.
    if (new Set(inSplit.flatMap((p) => Object.keys(p.sizes)).filter((t) => !isPlacebo(t))).size < 2) continue;
    const curved = new Set(inSplit.filter((p) => p.uses.some((u) => u.design === 'single')).flatMap((p) => Object.keys(p.sizes)));
    const jobs = inSplit.filter((p) => p.probes?.lookahead);
    const targets = new Set(jobs.map(lookaheadTarget));
    for (const task of [...curved].filter((t) => !isPlacebo(t)).sort()) {
      if (!targets.has(task)) {
        out.push({ split, task, reason: `no snapshot-branch job: the target has fewer than Δ + 2 = ${delta + 2} training rows in every test fold (study.lookahead.delta)` });
        continue;
      }
      const left = new Set<string>();
      for (const job of jobs.filter((p) => lookaheadTarget(p) === task)) {
        for (const source of curved) if (source !== task && !isPlacebo(source) && !(source in job.sizes)) left.add(source);
      }
      for (const source of [...left].sort()) {
        out.push({ split, task, source, reason: `no branch of this source: it has fewer than Δ = ${delta} training rows in some test fold (study.lookahead.delta)` });
      }
    }
  }
  return out;
}

/** TAG's grouping of the tasks from the mean affinities (exact search for K ≤ 10, clustering beyond; lib/tag). */
export function tagGroupsOf(tag: TransferFile['tag']): TransferFile['tagGroups'] {
  if (tag.length === 0) return undefined;
  const affinity: Record<string, Record<string, number>> = {};
  for (const { source, target, z } of tag) (affinity[source] ??= {})[target] = z;
  const tasks = [...new Set(tag.flatMap((t) => [t.source, t.target]))].sort();
  return groupTasks(affinity, { tasks });
}
