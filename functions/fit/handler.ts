// Fit step Lambda, one function for the three states of the fanned-out Fit (keeps one bundle): `action` says which.
//   list  → the fit shards still to fit (the items of the FitShards Map), and records the Fit step in status.json
//   shard → fits one shard into results/fits/<shardId>.json (skipped when already there for the same points)
//   merge → assembles results/curves.json from every shard
//   all   → (default) the three in one process: `mtlc invoke fit` and small runs
import { ID_CHARACTERS, SHARD_ID } from '../../lib/ids.ts';
import { z } from 'zod';
import { fitShardStep, fitStep, markStatus, mergeFitsStep, planFitsStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import type { LogSink } from '../shared/middleware/structured-logs.ts';
import { parsedHandler } from '../shared/parsed-handler.ts';
import { RunId } from '../shared/schemas.ts';
import { stepContext } from '../shared/step-handler.ts';

/** Same charset as lib/transfer shardIdOf: safe in an S3 key. */
const ShardId = z.string().regex(SHARD_ID, `must be a fit shard id (${ID_CHARACTERS}, as the list action returns them)`);

export const FIT_ACTIONS = ['all', 'list', 'shard', 'merge'] as const;

export const FitEvent = z.discriminatedUnion('action', [
  z.object({ runId: RunId, action: z.literal('shard'), shardId: ShardId }),
  z.object({ runId: RunId, action: z.enum(['all', 'list', 'merge']) }),
]);
export type FitEvent = z.infer<typeof FitEvent>;

/** An event without `action` is the whole Fit step (the sample event and the unsharded tools). */
const withDefaultAction = (event: unknown): unknown =>
  event && typeof event === 'object' && !('action' in event) ? { ...(event as object), action: 'all' } : event;

export const createFitHandler = (deps: DepsProvider, sink?: LogSink) =>
  parsedHandler('fit', FitEvent, async (e) => {
    const ctx = stepContext(deps, e.runId);
    switch (e.action) {
      case 'shard':
        // Many shards run at once: they leave status.json to the list and merge actions.
        return fitShardStep({ ...ctx, shardId: e.shardId });
      case 'list':
        return planFitsStep(ctx);
      case 'merge':
        await markStatus(ctx, { state: 'RUNNING', step: 'Fit' });
        return mergeFitsStep(ctx);
      case 'all':
        await markStatus(ctx, { state: 'RUNNING', step: 'Fit' });
        return fitStep(ctx);
    }
  }, { sink, prepare: withDefaultAction });

export const handler = createFitHandler(awsDeps);
