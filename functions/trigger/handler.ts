// Trigger Lambda: an upload of runs/<runId>/config.json (S3 notification) → validate the config → start the run.
// An invalid config gets status.json FAILED with every problem and starts nothing. The execution name is derived
// from the key and the object's version (or ETag), so a duplicate delivery of the same upload starts nothing new.
import { z } from 'zod';
import { StepFunctionsExecutions } from '../../lib/execution/sfn.ts';
import { executionNameFor } from '../../lib/execution/names.ts';
import type { ExecutionPort } from '../../lib/execution/port.ts';
import { badRunIdOfConfigKey, RUN_ID_RULE, RUNS_PREFIX, runIdFromConfigKey, runLayout, type RunStatus } from '../../lib/layout.ts';
import { markStatus, readStatus, validateConfigText } from '../../lib/pipeline/steps.ts';
import { S3Store } from '../../lib/storage/s3.ts';
import { putJson, type ObjectStore } from '../../lib/storage/port.ts';
import { consoleSink, type LogSink } from '../shared/middleware/structured-logs.ts';
import { parsedHandler } from '../shared/parsed-handler.ts';

export const S3NotificationEvent = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string().min(1) }),
          object: z.object({ key: z.string().min(1), eTag: z.string().optional(), versionId: z.string().optional(), sequencer: z.string().optional() }),
        }),
      }),
    )
    .min(1),
});
export type S3NotificationEvent = z.infer<typeof S3NotificationEvent>;

export interface TriggerDeps {
  storeFor(bucket: string): ObjectStore;
  executions: ExecutionPort;
}

export type TriggerOutcome =
  | { key: string; outcome: 'ignored'; reason: string }
  | { key: string; runId: string; outcome: 'invalid'; errors: { field: string; message: string }[] }
  | { key: string; runId: string; outcome: 'started' | 'duplicate'; executionName: string; executionArn: string }
  | { key: string; runId: string; outcome: 'refused'; reason: string; runningExecutionArn: string };

/** S3 notification keys are URL-encoded, with '+' for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

async function handleRecord(deps: TriggerDeps, record: S3NotificationEvent['Records'][number]): Promise<TriggerOutcome> {
  let key: string;
  try {
    key = decodeS3Key(record.s3.object.key);
  } catch {
    // One malformed record is ignored on its own; the rest of the batch goes on.
    return { key: record.s3.object.key, outcome: 'ignored', reason: 'the key is not valid URL encoding' };
  }
  if (!record.eventName.startsWith('ObjectCreated:')) return { key, outcome: 'ignored', reason: `event ${record.eventName}` };
  const runId = runIdFromConfigKey(key);
  const store = deps.storeFor(record.s3.bucket.name);
  if (!runId) {
    const bad = badRunIdOfConfigKey(key);
    if (bad === undefined) return { key, outcome: 'ignored', reason: 'not a runs/<runId>/config.json key' };
    // A config uploaded under a folder name that breaks the rule gets a status.json beside it saying so.
    const message = `the run folder '${bad.slice(0, 100)}' breaks the run-id rule (${RUN_ID_RULE}): upload the config again as runs/<runId>/config.json`;
    const status: RunStatus = { state: 'FAILED', runId: bad, updatedAt: new Date().toISOString(), step: 'Validate', error: { step: 'Validate', message } };
    await putJson(store, `${RUNS_PREFIX}${bad}/status.json`, status);
    return { key, runId: bad, outcome: 'invalid', errors: [{ field: '(key)', message }] };
  }

  const ctx = { store, runId };
  const bytes = await store.get(key);
  if (bytes === undefined) return { key, outcome: 'ignored', reason: 'the object is gone' };
  const checked = validateConfigText(Buffer.from(bytes).toString('utf8'));
  if (!checked.ok) {
    await markStatus(
      ctx,
      {
        state: 'FAILED',
        step: 'Validate',
        error: { step: 'Validate', message: `invalid config ${store.describe(key)}: ${checked.errors.map((e) => `'${e.field}' ${e.message}`).join('; ')}`, details: checked.errors },
      },
      { fresh: true },
    );
    return { key, runId, outcome: 'invalid', errors: checked.errors };
  }

  const version = record.s3.object.versionId ?? record.s3.object.eTag ?? record.s3.object.sequencer;
  if (!version) throw new Error(`S3 record for ${key} has neither versionId, eTag nor sequencer: cannot name the execution`);
  const executionName = executionNameFor(runId, runLayout(runId).config, version);
  const running = await runningExecution(deps, ctx);
  if (running && running.name !== executionName) {
    // One execution per run id at a time: a second would write the same points and status.json. The running one
    // keeps its plan (later steps read the config from plan.json, not config.json), and status.json says why.
    const reason =
      `this upload of ${store.describe(key)} was not started: run '${runId}' is still RUNNING (execution ${running.executionArn}). ` +
      'Upload the config again when it has ended, or stop that execution first.';
    await putJson(store, runLayout(runId).status, { ...running.status, updatedAt: new Date().toISOString(), refusedUpload: { at: new Date().toISOString(), message: reason } } satisfies RunStatus);
    return { key, runId, outcome: 'refused', reason, runningExecutionArn: running.executionArn };
  }
  // status.json is the execution's to write from here: its Plan step starts it afresh with the execution ARN
  // (a write here could land after Plan's and move the step back).
  const { executionArn, started } = await deps.executions.start(executionName, { runId });
  return { key, runId, outcome: started ? 'started' : 'duplicate', executionName, executionArn };
}

/** The run's execution when status.json says RUNNING and the execution port confirms it is (a stale status is not). */
async function runningExecution(deps: TriggerDeps, ctx: { store: ObjectStore; runId: string }): Promise<{ executionArn: string; name: string; status: RunStatus } | undefined> {
  const status = await readStatus(ctx).catch(() => undefined);
  if (status?.state !== 'RUNNING' || !status.executionArn) return undefined;
  const described = await deps.executions.describe(status.executionArn);
  return described?.state === 'RUNNING' ? { executionArn: described.executionArn, name: described.name, status } : undefined;
}

export function createTriggerHandler(deps: () => TriggerDeps, log: LogSink = consoleSink) {
  return parsedHandler('trigger', S3NotificationEvent, async (event): Promise<{ outcomes: TriggerOutcome[] }> => {
    const d = deps();
    const outcomes: TriggerOutcome[] = [];
    for (const record of event.Records) {
      const outcome = await handleRecord(d, record);
      log({ level: 'info', fn: 'trigger', msg: outcome.outcome, ...outcome });
      outcomes.push(outcome);
    }
    return { outcomes };
  }, { sink: log });
}

let awsTriggerDeps: TriggerDeps | undefined;
const fromEnvironment = (): TriggerDeps => {
  if (awsTriggerDeps) return awsTriggerDeps;
  const arn = process.env.STATE_MACHINE_ARN;
  if (!arn) throw new Error('STATE_MACHINE_ARN is not set: the trigger does not know which state machine to start');
  awsTriggerDeps = { storeFor: (bucket) => new S3Store(bucket), executions: new StepFunctionsExecutions(arn) };
  return awsTriggerDeps;
};

export const handler = createTriggerHandler(fromEnvironment);
