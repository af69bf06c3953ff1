// The prepared/ folder of a run: data set, fold assignments and plan, written once by Plan and read by every trainer.
// Trainers handle many points of the same run, so the decoded data is kept per process.
import { createHash } from 'node:crypto';
import type { RunConfig } from '../config.ts';
import { canonicalJson, trainingContext } from '../design/index.ts';
import { deserializePrepared, type PreparedDataset } from '../data/index.ts';
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { StoredPlan, StoredSplits } from '../documents.ts';
import { CorruptDocumentError, readChecked } from '../storage/checked.ts';
import type { FoldAssignment, SplitKind } from '../types.ts';
import type { StepContext } from './context.ts';

/** Hash of everything that changes the prepared data: a re-uploaded config that changes it gets fresh data. */
export function preparedHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson({ context: trainingContext(config), kinds: config.split.kinds, placebo: config.study.placebo })).digest('hex').slice(0, 16);
}

export function encodeSplits(hash: string, assignments: FoldAssignment[]): StoredSplits {
  return {
    hash,
    splits: assignments.map((a) => ({ ...a, fold: Array.from(a.fold), group: Array.from(a.group) })),
  };
}

export function decodeSplits(stored: StoredSplits): Map<SplitKind, FoldAssignment> {
  return new Map(stored.splits.map((s) => [s.kind, { ...s, fold: Int16Array.from(s.fold), group: Int32Array.from(s.group) }]));
}

export interface LoadedRun {
  hash: string;
  dataset: PreparedDataset;
  splits: Map<SplitKind, FoldAssignment>;
  plan: StoredPlan;
}

const cache = new Map<string, LoadedRun>();

/** Everything a trainer needs of the run, decoded once per process and plan. */
export async function loadPreparedRun(ctx: StepContext): Promise<LoadedRun> {
  const layout = runLayout(ctx.runId);
  const plan = await readChecked(ctx.store, layout.plan, StoredPlan);
  if (!plan) throw new ComputationError(`run '${ctx.runId}' has no plan (${ctx.store.describe(layout.plan)}): the Plan step has not run`);
  const cacheKey = `${ctx.store.describe(layout.root)}#${plan.hash}#${plan.createdAt}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const [datasetBytes, splits] = await Promise.all([ctx.store.get(layout.dataset), readChecked(ctx.store, layout.splits, StoredSplits)]);
  if (!datasetBytes || !splits) throw new ComputationError(`run '${ctx.runId}' has a plan but its prepared data is missing (${ctx.store.describe(layout.prepared)})`);
  let dataset: PreparedDataset;
  try {
    dataset = deserializePrepared(datasetBytes);
  } catch (err) {
    throw new CorruptDocumentError(ctx.store.describe(layout.dataset), layout.dataset, `${(err as Error).message.slice(0, 200)}; run again: Plan rebuilds it`);
  }
  if (splits.hash !== plan.hash) throw new ComputationError(`run '${ctx.runId}': prepared splits (${splits.hash}) do not match the plan (${plan.hash}); rerun Plan`);
  const loaded: LoadedRun = { hash: plan.hash, dataset, splits: decodeSplits(splits), plan };
  cache.clear(); // one run per process at a time: keep memory bounded
  cache.set(cacheKey, loaded);
  return loaded;
}
