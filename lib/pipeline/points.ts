// Reading the finished points of a run (in parallel, bounded: a large study has thousands).
import { runLayout } from '../layout.ts';
import { getJson } from '../storage/port.ts';
import type { PointResult } from '../types.ts';
import type { StepContext } from './context.ts';

export async function readPointResults(ctx: StepContext, concurrency = 32): Promise<PointResult[]> {
  const keys = (await ctx.store.list(runLayout(ctx.runId).points)).filter((k) => k.endsWith('.json'));
  const out: PointResult[] = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const i = next++;
      out[i] = (await getJson<PointResult>(ctx.store, keys[i]))!;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return out.filter(Boolean);
}
