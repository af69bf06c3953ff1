// Reading the finished points of a run (in parallel, bounded: a large study has thousands).
import { runLayout } from '../layout.ts';
import { getJson } from '../storage/port.ts';
import type { PointResult } from '../types.ts';
import { mapBounded } from './concurrency.ts';
import type { StepContext } from './context.ts';

export async function readPointResults(ctx: StepContext): Promise<PointResult[]> {
  const keys = (await ctx.store.list(runLayout(ctx.runId).points)).filter((k) => k.endsWith('.json'));
  const points = await mapBounded(keys, (key) => getJson<PointResult>(ctx.store, key));
  return points.filter((p): p is PointResult => p !== undefined);
}

/** Ids of the points already stored (points/<id>.json), without reading them. */
export async function storedPointIds(ctx: StepContext): Promise<Set<string>> {
  const prefix = runLayout(ctx.runId).points;
  return new Set((await ctx.store.list(prefix)).map((k) => k.slice(prefix.length).replace(/\.json$/, '')));
}
