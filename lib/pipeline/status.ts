// status.json: the one file a user looks at to know whether a run is going, done, or why it failed.
import { StoredPlan, StoredStatus } from '../documents.ts';
import { CorruptDocumentError, readChecked } from '../storage/checked.ts';
import { putJson } from '../storage/port.ts';
import { runLayout, type RunStatus } from '../layout.ts';
import type { StepContext } from './context.ts';
import { storedPointIds } from './points.ts';

/**
 * Writes status.json. Progress and execution ARN carry over from the previous status unless given, or unless
 * `fresh` (a new upload or a new execution: nothing of an earlier run may show through).
 */
export async function markStatus(ctx: StepContext, status: Omit<RunStatus, 'runId' | 'updatedAt'>, options: { fresh?: boolean } = {}): Promise<void> {
  // A corrupt status.json (a crash mid-write) is rewritten, never a reason to fail the step that reports.
  const previous = options.fresh
    ? undefined
    : await readChecked(ctx.store, runLayout(ctx.runId).status, StoredStatus).catch((err: unknown) => {
        if (err instanceof CorruptDocumentError) return undefined;
        throw err;
      });
  const next: RunStatus = {
    ...status,
    runId: ctx.runId,
    updatedAt: new Date().toISOString(),
    progress: status.progress ?? previous?.progress,
    size: status.size ?? previous?.size,
    executionArn: status.executionArn ?? previous?.executionArn,
    refusedUpload: status.refusedUpload ?? previous?.refusedUpload,
  };
  await putJson(ctx.store, runLayout(ctx.runId).status, next);
}

export async function readStatus(ctx: StepContext): Promise<RunStatus | undefined> {
  return readChecked(ctx.store, runLayout(ctx.runId).status, StoredStatus);
}

/** Points done (a points/<id>.json exists) out of the plan; failures are points the Map gave up on (recorded in plan-failures). */
export async function runProgress(ctx: StepContext): Promise<{ pointsDone: number; pointsTotal: number; pointsFailed: number }> {
  const layout = runLayout(ctx.runId);
  const plan = await readChecked(ctx.store, layout.plan, StoredPlan);
  if (!plan) return { pointsDone: 0, pointsTotal: 0, pointsFailed: 0 };
  const done = await storedPointIds(ctx);
  const pointsDone = plan.points.filter((p) => done.has(p.id)).length;
  const status = await readStatus(ctx);
  return { pointsDone, pointsTotal: plan.points.length, pointsFailed: status?.progress?.pointsFailed ?? 0 };
}
