// Status Lambda: the state machine's last word on a run. MarkSucceeded and MarkFailed both call it; a failure
// carries the failing step and the Step Functions error, which is turned into a readable message.
import middy from '@middy/core';
import { z } from 'zod';
import { markStatus, runProgress } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import { consoleSink, structuredLogs, type LogSink } from '../shared/middleware/structured-logs.ts';
import { validateInput } from '../shared/middleware/validate-input.ts';
import { RunId } from '../shared/schemas.ts';
import { stepContext } from '../shared/step-handler.ts';

export const StatusEvent = z.object({
  runId: RunId,
  state: z.enum(['SUCCEEDED', 'FAILED']),
  step: z.string().optional(),
  /** What a Catch puts in its ResultPath: {Error, Cause}. */
  error: z.object({ Error: z.string().optional(), Cause: z.unknown().optional() }).optional(),
});
export type StatusEvent = z.infer<typeof StatusEvent>;

/**
 * A human message from a Step Functions error. Lambda failures carry a JSON Cause {errorType, errorMessage};
 * Batch failures carry the job description (StatusReason, container.reason); anything else is shown as it is.
 */
export function failureMessage(error: StatusEvent['error']): string {
  if (!error) return 'unknown error';
  const name = error.Error ?? 'Error';
  const cause = error.Cause;
  if (typeof cause === 'string') {
    try {
      const parsed = JSON.parse(cause) as Record<string, unknown>;
      if (typeof parsed.errorMessage === 'string') return `${parsed.errorType ?? name}: ${parsed.errorMessage}`;
      const container = parsed.Container as { Reason?: string } | undefined;
      const reason = [parsed.StatusReason, container?.Reason].filter((s) => typeof s === 'string' && s).join('; ');
      if (reason) return `${name}: ${reason}`;
    } catch {
      // Not JSON: the cause is already a message.
    }
    return cause ? `${name}: ${cause}` : name;
  }
  return cause === undefined ? name : `${name}: ${JSON.stringify(cause)}`;
}

export function createStatusHandler(deps: DepsProvider, sink?: LogSink) {
  return middy(async (event: unknown): Promise<{ runId: string; state: string }> => {
    const e = event as StatusEvent;
    const ctx = stepContext(deps, e.runId);
    let progress: Awaited<ReturnType<typeof runProgress>> | undefined;
    try {
      progress = await runProgress(ctx);
    } catch (err) {
      // Counting is best effort: the outcome must be recorded even when the bucket cannot be listed.
      (sink ?? consoleSink)({ level: 'error', fn: 'status', msg: 'progress unavailable', runId: e.runId, message: (err as Error).message });
    }
    if (e.state === 'SUCCEEDED') {
      await markStatus(ctx, { state: 'SUCCEEDED', step: 'Done', progress });
    } else {
      await markStatus(ctx, {
        state: 'FAILED',
        step: e.step,
        error: { step: e.step, message: failureMessage(e.error), details: e.error },
        progress,
      });
    }
    return { runId: e.runId, state: e.state };
  })
    .use(structuredLogs('status', sink))
    .use(validateInput('status', StatusEvent));
}

export const handler = createStatusHandler(awsDeps);
