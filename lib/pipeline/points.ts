// Reading the finished points of a run (in parallel, bounded: a large study has thousands), each checked.
import { runLayout } from '../layout.ts';
import { checkStored, readChecked } from '../storage/checked.ts';
import type { PointResult } from '../types.ts';
import { mapBounded } from './concurrency.ts';
import type { StepContext } from './context.ts';
import { StoredPoint } from '../documents.ts';

/**
 * Every stored point, validated: a corrupt one is a CorruptDocumentError naming its key (Plan retrains it on a
 * rerun). `keep` maps each as it is read (the analysis keeps only the metrics it reads, so that thousands of
 * K-task points never sit in memory whole).
 */
export async function readPointResults(ctx: StepContext, keep: (point: PointResult) => PointResult = (p) => p): Promise<PointResult[]> {
  const keys = (await ctx.store.list(runLayout(ctx.runId).points)).filter((k) => k.endsWith('.json'));
  const points = await mapBounded(keys, async (key) => {
    const point = await readChecked(ctx.store, key, StoredPoint);
    return point && keep(point);
  });
  return points.filter((p): p is PointResult => p !== undefined);
}

/** Ids of the points already stored (points/<id>.json), without reading them. */
export async function storedPointIds(ctx: StepContext): Promise<Set<string>> {
  const prefix = runLayout(ctx.runId).points;
  return new Set((await ctx.store.list(prefix)).map((k) => k.slice(prefix.length).replace(/\.json$/, '')));
}

/** A stored point's state: 'done' when it reads back complete with its own id, else why not; undefined when absent. */
async function storedPointState(ctx: StepContext, pointId: string): Promise<'done' | { corrupt: string } | undefined> {
  const checked = await checkStored(ctx.store, runLayout(ctx.runId).point(pointId), StoredPoint);
  if (checked === undefined) return undefined;
  if (!checked.ok) return { corrupt: checked.reason };
  return checked.value.id === pointId ? 'done' : { corrupt: 'its id is not its file name' };
}

/** Whether a stored point is complete and valid (a crash or a full disk can leave a truncated one). */
export async function pointIsDone(ctx: StepContext, pointId: string): Promise<boolean> {
  return (await storedPointState(ctx, pointId)) === 'done';
}

/** The plan's points already done, and the stored ones that are corrupt (to retrain), each with its location and why. */
export async function checkStoredPoints(ctx: StepContext, ids: readonly string[]): Promise<{ done: Set<string>; corrupt: string[] }> {
  const stored = await storedPointIds(ctx);
  const present = ids.filter((id) => stored.has(id));
  const states = await mapBounded(present, async (id) => ({ id, state: await storedPointState(ctx, id) }));
  const done = new Set<string>();
  const corrupt: string[] = [];
  for (const { id, state } of states) {
    if (state === 'done') done.add(id);
    else corrupt.push(`${ctx.store.describe(runLayout(ctx.runId).point(id))}: ${state?.corrupt ?? 'gone while it was checked'}`);
  }
  return { done, corrupt };
}
