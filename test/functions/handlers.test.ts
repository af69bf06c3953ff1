// The handlers' own logic (the steps they call are tested in test/pipeline): execution names, S3 keys,
// input validation, failure messages, Batch parameter substitution, trainer arguments.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlanHandler } from '../../functions/plan/handler.ts';
import { createStatusHandler, failureMessage } from '../../functions/status/handler.ts';
import { parseTrainerArgs } from '../../functions/trainer/main.ts';
import { createTriggerHandler, decodeS3Key } from '../../functions/trigger/handler.ts';
import { readFileSync } from 'node:fs';
import { putJson } from '../../lib/storage/port.ts';
import { repoRoot } from '../helpers/paths.ts';
import { substituteParameters } from '../../app/local/adapter.ts';
import { EXECUTION_NAME_MAX, executionNameFor } from '../../lib/execution/names.ts';
import { executionArnFor } from '../../lib/execution/sfn.ts';
import { runLayout, type RunStatus } from '../../lib/layout.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { storedJson } from '../helpers/store.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-fn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = new FolderStore(root);
const deps = () => ({ store });
const context = {} as never;
const silent = () => {};

describe('execution names', () => {
  it('are the same for the same upload and differ for another version', () => {
    const a = executionNameFor('study-1', 'runs/study-1/config.json', '"abc"');
    expect(executionNameFor('study-1', 'runs/study-1/config.json', '"abc"')).toBe(a);
    expect(executionNameFor('study-1', 'runs/study-1/config.json', '"abd"')).not.toBe(a);
    expect(a).toMatch(/^study-1-[0-9a-f]{16}$/);
  });

  it('fit in 80 characters of [A-Za-z0-9_-] whatever the run id', () => {
    const long = 'r.' + 'x'.repeat(78);
    const name = executionNameFor(long, `runs/${long}/config.json`, 'v1');
    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(name.startsWith('r_x')).toBe(true);
  });

  it('give the ARN Step Functions assigns', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:Runs', 'n-1')).toBe('arn:aws:states:eu-west-1:123456789012:execution:Runs:n-1');
    expect(() => executionArnFor('arn:aws:lambda:eu-west-1:1:function:x', 'n')).toThrow(/state machine ARN/);
  });
});

describe('trigger', () => {
  it('decodes S3 notification keys', () => {
    expect(decodeS3Key('runs/my+study/config.json')).toBe('runs/my study/config.json');
    expect(decodeS3Key('runs/a%2Bb/config.json')).toBe('runs/a+b/config.json');
  });
});

describe('input validation', () => {
  it('rejects a bad run id before any work, naming the field', async () => {
    const plan = createPlanHandler(deps);
    await expect(plan({ runId: '../etc' }, context)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining("'runId'") });
    await expect(plan({}, context)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});

describe('status', () => {
  it('turns Step Functions errors into messages', () => {
    expect(failureMessage({ Error: 'ComputationError', Cause: JSON.stringify({ errorType: 'ComputationError', errorMessage: 'too few points' }) })).toBe('ComputationError: too few points');
    expect(failureMessage({ Error: 'States.TaskFailed', Cause: JSON.stringify({ Status: 'FAILED', StatusReason: 'Essential container exited', Container: { Reason: 'OutOfMemoryError' } }) })).toBe(
      'States.TaskFailed: Essential container exited; OutOfMemoryError',
    );
    expect(failureMessage({ Error: 'States.Timeout', Cause: 'took too long' })).toBe('States.Timeout: took too long');
    expect(failureMessage(undefined)).toBe('unknown error');
  });

  it('records a failure with its step and message in status.json', async () => {
    const handler = createStatusHandler(deps, silent);
    await handler({ runId: 'failing', state: 'FAILED', step: 'Fit', error: { Error: 'X', Cause: '{"errorType":"X","errorMessage":"boom"}' } }, context);
    const status = await storedJson<RunStatus>(store, runLayout('failing').status);
    expect(status).toMatchObject({ state: 'FAILED', step: 'Fit', error: { step: 'Fit', message: 'X: boom' } });
    await expect(handler({ runId: 'failing', state: 'DONE' }, context)).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it("records an execution that ended outside the state machine's Catch (the EventBridge rule's event), once and for its own execution only", async () => {
    const handler = createStatusHandler(deps, silent);
    const layout = runLayout('escaped');
    const closed = (executionArn: string, status: string) => ({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { executionArn, status, input: JSON.stringify({ runId: 'escaped' }), error: 'States.DataLimitExceeded', cause: 'the output of state Plan is 300000 bytes' },
    });
    await putJson(store, layout.status, { state: 'RUNNING', runId: 'escaped', updatedAt: 'x', executionArn: 'arn:now' });
    // An event of an older execution leaves the running one alone.
    expect(await handler(closed('arn:old', 'ABORTED'), context)).toEqual({ runId: 'escaped', state: 'unchanged' });
    expect((await storedJson<RunStatus>(store, layout.status))!.state).toBe('RUNNING');
    await handler(closed('arn:now', 'FAILED'), context);
    const status = await storedJson<RunStatus>(store, layout.status);
    expect(status).toMatchObject({ state: 'FAILED', step: 'Execution', error: { message: "ExecutionFailed: the execution failed outside the state machine's error handling (States.DataLimitExceeded: the output of state Plan is 300000 bytes)" } });
    // MarkFailed's more specific message is never overwritten.
    await putJson(store, layout.status, { ...status!, error: { step: 'Fit', message: 'X: boom' } });
    expect(await handler(closed('arn:now', 'FAILED'), context)).toEqual({ runId: 'escaped', state: 'unchanged' });
    expect((await storedJson<RunStatus>(store, layout.status))!.error).toMatchObject({ message: 'X: boom' });
    // An execution whose input holds no run id is none of mtlc's runs: nothing to record (and nothing to retry).
    expect(await handler({ ...closed('arn:now', 'FAILED'), detail: { ...closed('arn:now', 'FAILED').detail, input: '{}' } }, context)).toEqual({ runId: '', state: 'unchanged' });
  });
});

describe('status.json across uploads', () => {
  it('an invalid re-upload shows none of the earlier run: no execution ARN, no point counts', async () => {
    const layout = runLayout('example');
    await putJson(store, layout.status, { state: 'SUCCEEDED', runId: 'example', updatedAt: 'x', executionArn: 'arn:old', progress: { pointsDone: 9, pointsTotal: 9, pointsFailed: 0 } });
    await store.put(layout.config, '{"model":{"maxSteps":0}}');
    const started: string[] = [];
    const executions = { start: async (name: string) => (started.push(name), { executionArn: `arn:${name}`, started: true }), describe: async () => undefined };
    const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions }), silent);
    const event = JSON.parse(readFileSync(path.join(repoRoot, 'events', 's3-upload.json'), 'utf8'));
    const { outcomes } = await trigger(event, context);
    expect(outcomes[0].outcome).toBe('invalid');
    expect(started).toEqual([]);
    const status = await storedJson<RunStatus>(store, layout.status);
    expect(status).toMatchObject({ state: 'FAILED', step: 'Validate' });
    expect(status?.executionArn).toBeUndefined();
    expect(status?.progress).toBeUndefined();
  });
});

describe('an upload while the run is RUNNING', () => {
  it('is refused, and status.json says why, while that execution runs; a duplicate delivery and an ended run are not', async () => {
    const layout = runLayout('example');
    const event = JSON.parse(readFileSync(path.join(repoRoot, 'events', 's3-upload.json'), 'utf8'));
    await store.put(layout.config, '{}');
    const version = event.Records[0].s3.object.versionId ?? event.Records[0].s3.object.eTag;
    const thisUpload = executionNameFor('example', layout.config, version);
    let runningName = 'example-0123456789abcdef';
    let state: 'RUNNING' | 'SUCCEEDED' = 'RUNNING';
    const started: string[] = [];
    const executions = {
      start: async (name: string) => (started.push(name), { executionArn: `arn:${name}`, started: true }),
      describe: async (arn: string) => ({ executionArn: arn, name: runningName, state }),
    };
    const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions }), silent);
    await putJson(store, layout.status, { state: 'RUNNING', runId: 'example', updatedAt: 'x', executionArn: 'arn:running', progress: { pointsDone: 3, pointsTotal: 9 } });
    const { outcomes } = await trigger(event, context);
    expect(outcomes[0]).toMatchObject({ outcome: 'refused', runningExecutionArn: 'arn:running' });
    expect(started).toEqual([]);
    const status = await storedJson<RunStatus>(store, layout.status);
    expect(status).toMatchObject({ state: 'RUNNING', executionArn: 'arn:running', progress: { pointsDone: 3 } });
    expect(status?.refusedUpload?.message).toMatch(/was not started: run 'example' is still RUNNING .*Upload the config again when it has ended/);
    // The running execution's own writes keep the note.
    const { markStatus } = await import('../../lib/pipeline/status.ts');
    await markStatus({ store, runId: 'example' }, { state: 'RUNNING', step: 'Fit' });
    expect((await storedJson<RunStatus>(store, layout.status))?.refusedUpload).toBeDefined();
    // The same upload delivered twice is that execution: no refusal.
    runningName = thisUpload;
    expect((await trigger(event, context)).outcomes[0].outcome).toBe('started');
    // A status.json that still says RUNNING for an execution that has ended does not block a new upload.
    runningName = 'example-0123456789abcdef';
    state = 'SUCCEEDED';
    expect((await trigger(event, context)).outcomes[0].outcome).toBe('started');
  });
});

describe('local Batch', () => {
  it('substitutes Ref:: placeholders like Batch', () => {
    expect(substituteParameters(['--run-id', 'Ref::runId', '--points', 'Ref::points', 'Ref::missing'], { runId: 'unset', points: '[]' }, { runId: 'r1', points: '["p1"]' })).toEqual([
      '--run-id',
      'r1',
      '--points',
      '["p1"]',
      'Ref::missing',
    ]);
  });

  it('trainer arguments are checked', () => {
    expect(parseTrainerArgs(['--run-id', 'r1', '--points', '["p-1","p-2"]'])).toEqual({ runId: 'r1', pointIds: ['p-1', 'p-2'] });
    expect(() => parseTrainerArgs(['--run-id', 'r1'])).toThrow(/'--points': expected a JSON list of point ids/);
    expect(() => parseTrainerArgs(['--run-id', 'r1', '--points', '[]'])).toThrow(/'--points': expected .* \(at least one\)/);
    expect(() => parseTrainerArgs(['--run-id', 'r1', '--points', '["ok","../etc/passwd"]'])).toThrow(/"\.\.\/etc\/passwd" is not one/);
    expect(() => parseTrainerArgs(['--run-id', 'a/b', '--points', '["p"]'])).toThrow(/--run-id/);
  });
});

describe('trigger: careless uploads', () => {
  const upload = (key: string) => ({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key, eTag: '"e"' } } }] });
  const executions = { start: async (name: string) => ({ executionArn: `arn:${name}`, started: true }), describe: async () => undefined };

  it('writes a status.json beside a config uploaded under a folder name that breaks the run-id rule', async () => {
    await store.put('runs/my study/config.json', '{}');
    const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions }), silent);
    const { outcomes } = await trigger(upload('runs/my+study/config.json'), context);
    expect(outcomes[0]).toMatchObject({ outcome: 'invalid', runId: 'my study' });
    const status = await storedJson<RunStatus>(store, 'runs/my study/status.json');
    expect(status?.state).toBe('FAILED');
    expect(status?.error?.message).toMatch(/run folder 'my study' breaks the run-id rule \(1-80 characters/);
  });

  it("ignores an upload whose folder is '..' or '.', writing nothing outside runs/", async () => {
    await store.put('runs/x/config.json', '{}');
    const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions }), silent);
    for (const key of ['runs/../config.json', 'runs/./config.json']) {
      const { outcomes } = await trigger(upload(key), context);
      expect(outcomes[0]).toMatchObject({ outcome: 'ignored' });
    }
    expect(await store.exists('status.json')).toBe(false);
    expect(await store.exists('runs/status.json')).toBe(false);
  });

  it('ignores one record with a malformed %-escape and handles the rest of the batch', async () => {
    await store.put('runs/fine/config.json', '{}');
    const started: string[] = [];
    const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions: { ...executions, start: async (name: string) => (started.push(name), { executionArn: `arn:${name}`, started: true }) } }), silent);
    const event = { Records: [...upload('runs/%E0%A4%A/config.json').Records, ...upload('runs/fine/config.json').Records] };
    const { outcomes } = await trigger(event, context);
    expect(outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['ignored', 'started']);
    expect(outcomes[0]).toMatchObject({ reason: 'the key is not valid URL encoding' });
    expect(started).toHaveLength(1);
  });
});
