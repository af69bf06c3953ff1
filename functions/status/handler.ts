// Status Lambda: the last word on a run. MarkSucceeded and MarkFailed both call it; a failure carries the failing
// step and the Step Functions error, which is turned into a readable message. An EventBridge rule also calls it
// when an execution ends FAILED, TIMED_OUT or ABORTED, so that what escapes the state machine's Catch (a payload
// over the limit, a timeout, a user's StopExecution) still ends status.json (docs/aws.md).
import { z } from 'zod';
import { markStatus, readStatus, runProgress } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import { consoleSink, type LogSink } from '../shared/middleware/structured-logs.ts';
import { parsedHandler } from '../shared/parsed-handler.ts';
import { CorruptDocumentError } from '../../lib/storage/checked.ts';
import { RunId } from '../shared/schemas.ts';
import { stepContext } from '../shared/step-handler.ts';

const MarkEvent = z.object({
  runId: RunId,
  state: z.enum(['SUCCEEDED', 'FAILED']),
  step: z.string().optional(),
  /** What a Catch puts in its ResultPath: {Error, Cause}. */
  error: z.object({ Error: z.string().optional(), Cause: z.unknown().optional() }).optional(),
});

/** EventBridge's "Step Functions Execution Status Change" for an execution that did not succeed. */
export const ExecutionClosedEvent = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string(),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    /** The execution's input, a JSON string holding the runId. */
    input: z.string(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionClosedEvent = z.infer<typeof ExecutionClosedEvent>;

export const StatusEvent = z.union([MarkEvent, ExecutionClosedEvent]);
type MarkEvent = z.infer<typeof MarkEvent>;

/**
 * The execution-closed event as a MarkFailed event of its run, or `unchanged` when status.json already tells the
 * end of this execution (MarkFailed ran before the execution failed) or belongs to a newer execution.
 */
async function closedAsFailure(deps: DepsProvider, e: ExecutionClosedEvent): Promise<MarkEvent | { runId: string; unchanged: true }> {
  let runId: unknown;
  try {
    runId = (JSON.parse(e.detail.input) as { runId?: unknown }).runId;
  } catch {
    runId = undefined;
  }
  const parsed = RunId.safeParse(runId);
  // Not an execution of a run (its input has no valid runId): nothing to record, and nothing a retry would change.
  if (!parsed.success) return { runId: '', unchanged: true };
  // A corrupt status.json is rewritten; any other read error is thrown, for EventBridge to retry.
  const current = await readStatus(stepContext(deps, parsed.data)).catch((err: unknown) => {
    if (err instanceof CorruptDocumentError) return undefined;
    throw err;
  });
  if (current && (current.state !== 'RUNNING' || (current.executionArn !== undefined && current.executionArn !== e.detail.executionArn))) return { runId: parsed.data, unchanged: true };
  const what = { FAILED: 'failed', TIMED_OUT: 'timed out', ABORTED: 'was stopped' }[e.detail.status];
  const reason = [e.detail.error, e.detail.cause].filter(Boolean).join(': ');
  return {
    runId: parsed.data,
    state: 'FAILED',
    // The execution as a whole: status.json's step may already name the next one (Plan names Train on its way
    // out), and the cause names the state that failed.
    step: 'Execution',
    error: { Error: `Execution${e.detail.status === 'TIMED_OUT' ? 'TimedOut' : e.detail.status === 'ABORTED' ? 'Aborted' : 'Failed'}`, Cause: `the execution ${what} outside the state machine's error handling${reason ? ` (${reason})` : ''}` },
  };
}

/**
 * A human message from a Step Functions error. Lambda failures carry a JSON Cause {errorType, errorMessage};
 * Batch failures carry the job description (StatusReason, container.reason); anything else is shown as it is.
 */
export function failureMessage(error: MarkEvent['error']): string {
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
  return parsedHandler('status', StatusEvent, async (event): Promise<{ runId: string; state: string }> => {
    const e = 'detail' in event ? await closedAsFailure(deps, event) : event;
    if ('unchanged' in e) return { runId: e.runId, state: 'unchanged' };
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
  }, { sink });
}

export const handler = createStatusHandler(awsDeps);
