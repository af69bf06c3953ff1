// The local runner fails where AWS would: a state payload over 256 KiB ends the execution with
// States.DataLimitExceeded, which no Catch handles, and the execution-status rule still records the end.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalExecutions, STATE_PAYLOAD_LIMIT } from '../../app/local/adapter.ts';
import { localLambdaArn, type RunMachine } from '../../app/local/template.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Work → Done, with every failure of Work caught into MarkFailed (as the real state machine catches its steps). */
function machine(withRule: boolean, workLimits = { timeoutSeconds: 900, memoryMiB: 4096 }): RunMachine {
  const task = (fn: string, next: Record<string, unknown>) => ({ Type: 'Task', Resource: localLambdaArn(fn), TimeoutSeconds: 60, ...next });
  return {
    definition: {
      StartAt: 'Work',
      States: {
        Work: task('work', { ResultPath: '$.work', Next: 'Done', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'MarkFailed' }] }),
        MarkFailed: task('status', { End: true }),
        Done: { Type: 'Succeed' },
      },
    },
    jobDefinitions: new Map(),
    functions: new Map(['work', 'status'].map((f) => [localLambdaArn(f), f])),
    lambdaLimits: new Map([
      ['work', workLimits],
      ['status', { timeoutSeconds: 60, memoryMiB: 512 }],
    ]),
    trigger: { prefix: 'runs/', suffix: 'config.json', events: [] },
    ...(withRule ? { executionClosed: { statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'], functionName: 'status' } } : {}),
  };
}

function executions(bytes: number, withRule = true) {
  const registryDir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-limits-'));
  dirs.push(registryDir);
  const statusCalls: unknown[] = [];
  const local = new LocalExecutions({
    machine: machine(withRule),
    handlers: {
      work: async () => ({ blob: 'x'.repeat(bytes) }),
      status: async (event) => (statusCalls.push(event), { ok: true }),
    },
    runJob: async () => undefined,
    registryDir,
  });
  return { local, statusCalls };
}

describe('AWS limits in the local runner', () => {
  it('lets a task result under 256 KiB through', async () => {
    const { local, statusCalls } = executions(STATE_PAYLOAD_LIMIT - 1000);
    const { executionArn } = await local.start('small', { runId: 'r1' });
    expect((await local.wait(executionArn)).state).toBe('SUCCEEDED');
    expect(statusCalls).toEqual([]);
  });

  it('fails the execution on a task result over 256 KiB with States.DataLimitExceeded, past every Catch, and the status rule records it', async () => {
    const { local, statusCalls } = executions(STATE_PAYLOAD_LIMIT + 10);
    const { executionArn } = await local.start('big', { runId: 'r1' });
    const end = await local.wait(executionArn);
    expect(end).toMatchObject({ state: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(end.cause).toMatch(/the output of state Work is 2621\d\d bytes, over Step Functions' limit of 262144/);
    // MarkFailed (the Catch) never ran; the EventBridge rule's event reached the status function instead.
    expect(statusCalls).toEqual([
      {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: expect.objectContaining({ executionArn, status: 'FAILED', error: 'States.DataLimitExceeded', input: JSON.stringify({ runId: 'r1' }) }),
      },
    ]);
  });

  it('without the rule in the template nothing records the end (as on AWS, where status.json would stay RUNNING)', async () => {
    const { local, statusCalls } = executions(STATE_PAYLOAD_LIMIT + 10, false);
    const { executionArn } = await local.start('big', { runId: 'r1' });
    expect((await local.wait(executionArn)).state).toBe('FAILED');
    expect(statusCalls).toEqual([]);
  });

  it("fails a step that runs past its function's Timeout as Lambda.Unknown, which the step's Catch records", async () => {
    const statusCalls: unknown[] = [];
    const registryDir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-limits-'));
    dirs.push(registryDir);
    const local = new LocalExecutions({
      machine: machine(false, { timeoutSeconds: 0.2, memoryMiB: 4096 }),
      handlers: { work: () => new Promise((r) => setTimeout(() => r({ late: true }), 2000)), status: async (event) => (statusCalls.push(event), { ok: true }) },
      runJob: async () => undefined,
      registryDir,
    });
    const { executionArn } = await local.start('slow', { runId: 'r1' });
    expect((await local.wait(executionArn)).state).toBe('SUCCEEDED'); // MarkFailed ends in its own End here
    const caught = (statusCalls[0] as { caught: { Error: string; Cause: string } }).caught;
    expect(caught.Error).toBe('Lambda.Unknown');
    expect(caught.Cause).toMatch(/the Lambda function work timed out after 0\.2 s, its configured Timeout/);
    expect(local.lambdaUsage.work).toMatchObject({ calls: 1, limits: { timeoutSeconds: 0.2 } });
  });

  it("fails a step whose memory passes its function's MemorySize, and reports each function's peak", async () => {
    const statusCalls: unknown[] = [];
    const registryDir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-limits-'));
    dirs.push(registryDir);
    const hold: Buffer[] = [];
    const local = new LocalExecutions({
      machine: machine(false, { timeoutSeconds: 60, memoryMiB: 300 }),
      handlers: {
        // ~400 MiB touched over half a second: the sampler sees the resident set grow past 300 MiB.
        work: async () => {
          for (let i = 0; i < 8; i++) {
            hold.push(Buffer.alloc(50 * 1024 * 1024, 1));
            await new Promise((r) => setTimeout(r, 60));
          }
          return { ok: true };
        },
        status: async (event) => (statusCalls.push(event), { ok: true }),
      },
      runJob: async () => undefined,
      registryDir,
    });
    await local.wait((await local.start('fat', { runId: 'r1' })).executionArn);
    hold.length = 0;
    const caught = (statusCalls[0] as { caught: { Error: string; Cause: string } }).caught;
    expect(caught.Error).toBe('Lambda.Unknown');
    expect(caught.Cause).toMatch(/the Lambda function work used about \d+ MiB, over its MemorySize of 300 MiB/);
    expect(local.lambdaUsage.work.maxMemoryMiB).toBeGreaterThan(300);
  });
});
