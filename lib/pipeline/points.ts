// Reading the finished points of a run (in parallel, bounded: a large study has thousands), each checked.
import { runLayout } from '../layout.ts';
import { checkStored, readChecked } from '../storage/checked.ts';
import type { PointResult } from '../types.ts';
import { mapBounded } from './concurrency.ts';
import type { StepContext } from './context.ts';
import { StoredPoint } from './pointSchema.ts';

/** Every stored point, validated: a corrupt one is a CorruptDocumentError naming its key (Plan retrains it on a rerun). */
export async function readPointResults(ctx: StepContext): Promise<PointResult[]> {
  const keys = (await ctx.store.list(runLayout(ctx.runId).points)).filter((k) => k.endsWith('.json'));
  const points = await mapBounded(keys, (key) => readChecked(ctx.store, key, StoredPoint));
  return points.filter((p): p is PointResult => p !== undefined);
}

/** Ids of the points already stored (points/<id>.json), without reading them. */
export async function storedPointIds(ctx: StepContext): Promise<Set<string>> {
  const prefix = runLayout(ctx.runId).points;
  return new Set((await ctx.store.list(prefix)).map((k) => k.slice(prefix.length).replace(/\.json$/, '')));
}

/** Whether a stored point is complete and valid (a crash or a full disk can leave a truncated one). */
export async function pointIsDone(ctx: StepContext, pointId: string): Promise<boolean> {
  const checked = await checkStored(ctx.store, runLayout(ctx.runId).point(pointId), StoredPoint);
  return checked?.ok === true && checked.value.id === pointId;
}

/** The plan's points already done, and the stored ones that are corrupt (to retrain), each with its location and why. */
export async function checkStoredPoints(ctx: StepContext, ids: readonly string[]): Promise<{ done: Set<string>; corrupt: string[] }> {
  const stored = await storedPointIds(ctx);
  const present = ids.filter((id) => stored.has(id));
  const layout = runLayout(ctx.runId);
  const checks = await mapBounded(present, async (id) => ({ id, checked: await checkStored(ctx.store, layout.point(id), StoredPoint) }));
  const done = new Set<string>();
  const corrupt: string[] = [];
  for (const { id, checked } of checks) {
    if (checked?.ok && checked.value.id === id) done.add(id);
    else corrupt.push(`${ctx.store.describe(layout.point(id))}: ${checked && !checked.ok ? checked.reason : 'its id is not its file name'}`);
  }
  return { done, corrupt };
}
