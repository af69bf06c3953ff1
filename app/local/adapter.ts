// The local adapter of the execution port: runs the synthesized state-machine definition with
// aws-local-stepfunctions. Task states are overridden by what their Resource names in the template:
// a pipeline Lambda → the same handler, in-process, with Lambda's JSON and error semantics;
// batch:submitJob.sync → the job definition's command, run on the local worker pool; a Distributed Map that reads
// its items from S3 → distributed-map.ts, which runs its ItemProcessor per batch as child executions.
import './polyfill.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionDescription, ExecutionPort, ExecutionState, StartResult } from '../../lib/execution/port.ts';
import { LOCAL_DISTRIBUTED_MAP, rewriteDistributedMaps, runDistributedMap, type DistributedMapSpec } from './distributed-map.ts';
import { LambdaLimiter, type LambdaUsage } from './lambda-limits.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, type JobDefinitionSpec, type RunMachine } from './template.ts';

export const BATCH_SYNC = 'arn:aws:states:::batch:submitJob.sync';

export type LocalHandler = (event: unknown) => Promise<unknown>;

export interface LocalExecutionHooks {
  /** A pipeline Lambda returned (e.g. Plan's list of points). */
  onTaskResult?(functionName: string, result: unknown): void;
  /** A Batch job finished; `parameters` are its SubmitJob Parameters (runId, points). */
  onJobDone?(parameters: Record<string, string>, ok: boolean, error?: string): void;
}

export interface LocalExecutionsOptions {
  machine: RunMachine;
  /** Handlers by function name (the MTLC_FUNCTION of each Lambda in the template). */
  handlers: Record<string, LocalHandler>;
  /** Runs one container command line (the local Batch). */
  runJob(argv: string[], job: JobDefinitionSpec): Promise<unknown>;
  /** Folder of the execution records (one JSON file per execution name). */
  registryDir: string;
  /** An object of the run's bucket, for a Distributed Map's ItemReader (undefined when there is none). */
  readObject?(bucket: string, key: string): Promise<Uint8Array | undefined>;
  hooks?: LocalExecutionHooks;
}

interface ExecutionRecord {
  name: string;
  executionArn: string;
  input: Record<string, unknown>;
  state: ExecutionState;
  startedAt: string;
  stoppedAt?: string;
  error?: string;
  cause?: string;
  /** The process that runs it, to tell a live run from one whose process was killed. */
  pid: number;
  attempts: number;
}

/** Lambda reports a thrown error to Step Functions as Error = errorType, Cause = JSON {errorType, errorMessage, trace}. */
function lambdaError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const out = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }));
  out.name = e.name || 'Error';
  return out;
}

/** Batch .sync reports a failed job as States.TaskFailed with the job description as Cause. */
function batchJobError(jobName: string, reason: string, exitCode: number): Error {
  const out = new Error(JSON.stringify({ JobName: jobName, Status: 'FAILED', StatusReason: reason, Container: { ExitCode: exitCode, Reason: reason } }));
  out.name = 'States.TaskFailed';
  return out;
}

/** Batch substitutes Ref::name in the command with the job's Parameters (defaults from the job definition). */
export function substituteParameters(command: string[], defaults: Record<string, string>, parameters: Record<string, string>): string[] {
  const values = { ...defaults, ...parameters };
  return command.map((arg) => arg.replace(/Ref::([A-Za-z0-9_]+)/g, (whole, name: string) => (name in values ? values[name] : whole)));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Step Functions' limit on a state's input or output, a task's result included: 256 KiB of UTF-8 JSON. */
export const STATE_PAYLOAD_LIMIT = 262_144;

type TaskState = { Type: string; Resource?: string; States?: Record<string, TaskState>; ItemProcessor?: { States: Record<string, TaskState> }; Iterator?: { States: Record<string, TaskState> } };

/** Every Task state of a definition, nested Map processors included, by name. */
function taskStates(states: Record<string, TaskState>, out = new Map<string, TaskState>()): Map<string, TaskState> {
  for (const [name, st] of Object.entries(states)) {
    if (st.Type === 'Task') {
      if (out.has(name)) throw new Error(`two Task states are named ${name}: local overrides go by state name`);
      out.set(name, st);
    }
    const nested = st.ItemProcessor ?? st.Iterator;
    if (nested) taskStates(nested.States, out);
  }
  return out;
}

const VALIDATION = { validationOptions: { checkArn: true, checkPaths: true } };

/**
 * The definition with every Lambda Task's TimeoutSeconds lifted (to 23 days, the longest a Node timer holds). The
 * Lambda limiter holds each call to its function's Timeout from the moment it runs; locally the calls take turns,
 * and aws-local-stepfunctions would count a call's wait for its turn against the Task's timeout (8 fit shards of a
 * few minutes each would time out while queued; on AWS each runs in its own Lambda at once).
 */
function withoutLambdaTaskTimeouts(definition: Record<string, unknown>, functions: ReadonlyMap<string, string>): Record<string, unknown> {
  const lift = (states: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> =>
    Object.fromEntries(
      Object.entries(states).map(([name, st]) => {
        let out = st;
        if (st.Type === 'Task' && functions.has(String(st.Resource))) out = { ...out, TimeoutSeconds: 2_000_000 };
        for (const field of ['ItemProcessor', 'Iterator'] as const) {
          const nested = out[field] as { States: Record<string, Record<string, unknown>> } | undefined;
          if (nested) out = { ...out, [field]: { ...nested, States: lift(nested.States) } };
        }
        return [name, out];
      }),
    );
  return { ...definition, States: lift(definition.States as Record<string, Record<string, unknown>>) };
}

export class LocalExecutions implements ExecutionPort {
  private readonly machine: StateMachine;
  /** The Distributed Maps (run by distributed-map.ts), each with its ItemProcessor as a state machine of its own. */
  private readonly maps = new Map<string, { spec: DistributedMapSpec; processor: StateMachine }>();
  /** The largest state input or output seen, in bytes, with the state's name (the scale test reports it). */
  largestPayload = { bytes: 0, state: '' };
  /** The template's Timeout and MemorySize of each function, held to as AWS would. */
  private readonly limiter = new LambdaLimiter();
  private readonly running = new Map<string, { abort(): void; done: Promise<ExecutionDescription> }>();
  /** Executions ended by an error no Catch sees (States.DataLimitExceeded), by name. */
  private readonly uncatchable = new Map<string, { error: string; cause: string }>();
  /** Executions stopped as if their process had died. */
  private readonly killed = new Set<string>();
  private readonly tasks: [string, string][];

  constructor(private readonly options: LocalExecutionsOptions) {
    mkdirSync(options.registryDir, { recursive: true });
    const { definition, maps } = rewriteDistributedMaps(withoutLambdaTaskTimeouts(options.machine.definition, options.machine.functions));
    this.machine = new StateMachine(definition as never, VALIDATION);
    for (const [name, spec] of maps) this.maps.set(name, { spec, processor: new StateMachine(spec.ItemProcessor as never, VALIDATION) });
    // Every Task state, those inside the Maps' processors included, and the Tasks that stand for Distributed Maps.
    this.tasks = [
      ...[...taskStates(options.machine.definition.States as Record<string, TaskState>)].map(([name, st]): [string, string] => [name, st.Resource ?? '']),
      ...[...maps.keys()].map((name): [string, string] => [name, LOCAL_DISTRIBUTED_MAP]),
    ];
    this.overridesFor('', new AbortController().signal); // every Task state's resource has a local counterpart, or the runner says which does not
  }

  /** The Task overrides of one execution: they check AWS's payload limit on their input and output. */
  private overridesFor(execution: string, signal: AbortSignal): Record<string, (input: unknown) => Promise<unknown>> {
    return Object.fromEntries(this.tasks.map(([name, resource]) => [name, this.withPayloadLimit(execution, name, this.overrideFor(execution, name, resource, signal))]));
  }

  /**
   * A task whose input or result is over STATE_PAYLOAD_LIMIT bytes ends its execution the way AWS ends it:
   * States.DataLimitExceeded, which no Retry or Catch (not even States.ALL) handles — the execution fails at once
   * and the state machine's own failure path never runs. (aws-local-stepfunctions reads `isCatchable` /
   * `isRetryable` off a thrown error.)
   */
  private withPayloadLimit(execution: string, stateName: string, task: (input: unknown) => Promise<unknown>): (input: unknown) => Promise<unknown> {
    const check = (what: 'input' | 'output', value: unknown): void => {
      const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
      if (bytes > this.largestPayload.bytes) this.largestPayload = { bytes, state: `${stateName} (${what})` };
      if (bytes <= STATE_PAYLOAD_LIMIT) return;
      const cause = `the ${what} of state ${stateName} is ${bytes} bytes, over Step Functions' limit of ${STATE_PAYLOAD_LIMIT} (256 KiB)`;
      this.uncatchable.set(execution, { error: 'States.DataLimitExceeded', cause });
      throw Object.assign(new Error(cause), { name: 'States.DataLimitExceeded', isCatchable: false, isRetryable: false });
    };
    return async (input) => {
      check('input', input);
      const output = await task(input);
      check('output', output);
      return output;
    };
  }

  private overrideFor(execution: string, stateName: string, resource: string, signal: AbortSignal): (input: unknown) => Promise<unknown> {
    const map = this.maps.get(stateName);
    if (map && resource === LOCAL_DISTRIBUTED_MAP) {
      return (input) => {
        // Built when the Map runs (not when its Task is: the overrides include this one), shared by its children.
        const overrides = this.overridesFor(execution, signal);
        return runDistributedMap(map.spec, input, {
          readObject: async (bucket, key) => this.options.readObject?.(bucket, key),
          signal,
          runChild: (childInput) => {
            const child = map.processor.run(childInput as never, { overrides: { taskResourceLocalHandlers: overrides as never } });
            return { result: child.result, abort: child.abort };
          },
        });
      };
    }
    const fnName = this.options.machine.functions.get(resource);
    if (fnName) {
      const handler = this.options.handlers[fnName];
      if (!handler) throw new Error(`state ${stateName} invokes function '${fnName}', which has no local handler`);
      return async (input) => {
        let result: unknown;
        try {
          result = await this.limiter.run(fnName, stateName, this.options.machine.lambdaLimits.get(fnName), () => handler(JSON.parse(JSON.stringify(input))));
        } catch (err) {
          throw lambdaError(err);
        }
        const json = result === undefined ? null : JSON.parse(JSON.stringify(result));
        this.options.hooks?.onTaskResult?.(fnName, json);
        return json;
      };
    }
    if (resource === BATCH_SYNC) {
      return async (input) => {
        const req = input as { JobDefinition: string; JobName: string; JobQueue: string; Parameters?: Record<string, string> };
        const job = this.options.machine.jobDefinitions.get(req.JobDefinition);
        if (!job) throw batchJobError(req.JobName, `unknown job definition ${req.JobDefinition}`, 1);
        const parameters = req.Parameters ?? {};
        const jobId = randomUUID();
        try {
          await this.options.runJob(substituteParameters(job.command, job.parameters, parameters), job);
        } catch (err) {
          const e = err as { message?: string; exitCode?: number };
          this.options.hooks?.onJobDone?.(parameters, false, e.message);
          throw batchJobError(req.JobName, e.message ?? String(err), e.exitCode ?? 1);
        }
        this.options.hooks?.onJobDone?.(parameters, true);
        return { JobId: jobId, JobName: req.JobName, JobQueue: req.JobQueue, JobDefinition: req.JobDefinition, Status: 'SUCCEEDED', Parameters: parameters };
      };
    }
    throw new Error(`state ${stateName} uses ${resource}, which the local runner does not provide`);
  }

  /** The most time and memory each function took in the Task states of these executions. */
  get lambdaUsage(): LambdaUsage {
    return structuredClone(this.limiter.usage);
  }

  executionArn(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:mtlc-local:${name}`;
  }

  private recordFile(name: string): string {
    return path.join(this.options.registryDir, `${name}.json`);
  }

  private read(name: string): ExecutionRecord | undefined {
    const file = this.recordFile(name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord) : undefined;
  }

  private write(record: ExecutionRecord): void {
    writeFileSync(this.recordFile(record.name), JSON.stringify(record, null, 2));
  }

  private nameOf(executionArn: string): string {
    return executionArn.split(':').pop()!;
  }

  async start(name: string, input: Record<string, unknown>): Promise<StartResult> {
    const executionArn = this.executionArn(name);
    if (this.read(name)) return { executionArn, started: false };
    this.launch({ name, executionArn, input, state: 'RUNNING', startedAt: new Date().toISOString(), pid: process.pid, attempts: 1 });
    return { executionArn, started: true };
  }

  /**
   * Runs a closed (FAILED / ABORTED) or orphaned execution again with its input — the local counterpart of
   * RedriveExecution. It restarts at the first state; the steps skip work already in the bucket.
   */
  async redrive(executionArn: string): Promise<boolean> {
    const record = this.read(this.nameOf(executionArn));
    if (!record) throw new Error(`no local execution ${executionArn}`);
    const orphaned = record.state === 'RUNNING' && !this.running.has(record.name) && (record.pid === process.pid || !pidAlive(record.pid));
    if (record.state === 'SUCCEEDED' || (record.state === 'RUNNING' && !orphaned)) return false;
    this.launch({ ...record, state: 'RUNNING', stoppedAt: undefined, error: undefined, cause: undefined, pid: process.pid, attempts: record.attempts + 1 });
    return true;
  }

  private launch(record: ExecutionRecord): void {
    this.write(record);
    this.uncatchable.delete(record.name);
    const stop = new AbortController();
    const execution = this.machine.run(record.input as never, {
      overrides: { taskResourceLocalHandlers: this.overridesFor(record.name, stop.signal) as never },
      context: { Execution: { Id: record.executionArn, Name: record.name } },
    });
    const done = execution.result.then(
      () => ({ state: 'SUCCEEDED' as const }),
      (err: Error) => {
        const fatal = this.uncatchable.get(record.name);
        if (fatal) return { state: 'FAILED' as const, ...fatal };
        if (err.name === 'ExecutionAbortedError') return { state: 'ABORTED' as const, error: 'ExecutionAborted', cause: 'aborted' };
        if (err.name === 'ExecutionTimeoutError') return { state: 'TIMED_OUT' as const, error: 'States.Timeout', cause: err.message };
        const cause = (err as { cause?: Error }).cause;
        return { state: 'FAILED' as const, error: cause?.name ?? err.name, cause: cause?.message ?? err.message };
      },
    ).then(async (end) => {
      const closed: ExecutionRecord = { ...record, ...end, stoppedAt: new Date().toISOString() };
      this.write(closed);
      this.uncatchable.delete(record.name);
      // Announced before it leaves `running`: a redrive cannot start until the status rule has run.
      await this.announceClosed(closed);
      this.running.delete(record.name);
      return this.toDescription(closed);
    });
    this.running.set(record.name, {
      abort: () => {
        stop.abort();
        execution.abort();
      },
      done,
    });
  }

  /**
   * The template's EventBridge rule on execution status changes, run locally: an execution that ended with a
   * status the rule matches is sent, as the same event, to the function the rule targets.
   */
  private async announceClosed(closed: ExecutionRecord): Promise<void> {
    const rule = this.options.machine.executionClosed;
    if (this.killed.delete(closed.name) || !rule || !rule.statuses.includes(closed.state)) return;
    const event = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { executionArn: closed.executionArn, name: closed.name, status: closed.state, input: JSON.stringify(closed.input), error: closed.error ?? null, cause: closed.cause ?? null },
    };
    try {
      await this.options.handlers[rule.functionName]?.(event);
    } catch (err) {
      // EventBridge retries and then drops the event; the execution's own record keeps the reason.
      console.error(`mtlc: the execution-status rule's target '${rule.functionName}' failed: ${(err as Error).message}`);
    }
  }

  /**
   * Stops a running execution (like StopExecution); it ends ABORTED. `killed`: it stands for the local process
   * dying (resume tests), so nothing is left to run the execution-status rule.
   */
  abort(executionArn: string, options: { killed?: boolean } = {}): void {
    const name = this.nameOf(executionArn);
    const live = this.running.get(name);
    if (!live) return;
    if (options.killed) this.killed.add(name);
    live.abort();
  }

  /** Resolves when the execution ends. */
  async wait(executionArn: string): Promise<ExecutionDescription> {
    const live = this.running.get(this.nameOf(executionArn));
    if (live) return live.done;
    const d = await this.describe(executionArn);
    if (!d) throw new Error(`no local execution ${executionArn}`);
    return d;
  }

  /** An execution whose record says RUNNING but whose process is gone (killed) is reported ABORTED: nothing runs it. */
  async describe(executionArn: string): Promise<ExecutionDescription | undefined> {
    const record = this.read(this.nameOf(executionArn));
    if (!record) return undefined;
    const orphaned = record.state === 'RUNNING' && !this.running.has(record.name) && (record.pid === process.pid || !pidAlive(record.pid));
    return this.toDescription(orphaned ? { ...record, state: 'ABORTED', error: 'ExecutionAborted', cause: 'the local process that ran it is gone' } : record);
  }

  private toDescription(r: ExecutionRecord): ExecutionDescription {
    return { executionArn: r.executionArn, name: r.name, state: r.state, startedAt: r.startedAt, stoppedAt: r.stoppedAt, error: r.error, cause: r.cause, input: r.input };
  }
}
