// `mtlc run` on one machine: embedded S3 → upload config.json as a user would → the S3 notification record goes
// to the same trigger handler → the trigger starts the local execution of the synthesized state machine →
// Batch jobs run on the worker pool. At the end the run's results are copied out as plain files.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFitHandler } from '../../functions/fit/handler.ts';
import { createPlanHandler, type PlanOutput } from '../../functions/plan/handler.ts';
import { createReportHandler } from '../../functions/report/handler.ts';
import type { DepsProvider } from '../../functions/shared/deps.ts';
import type { LogSink } from '../../functions/shared/middleware/structured-logs.ts';
import { createStatusHandler } from '../../functions/status/handler.ts';
import { createTransferHandler } from '../../functions/transfer/handler.ts';
import { createTriggerHandler, type TriggerOutcome } from '../../functions/trigger/handler.ts';
import { InputError } from '../../lib/errors.ts';
import { runIdFromConfigKey, runLayout } from '../../lib/layout.ts';
import type { ExecutionState } from '../../lib/execution/port.ts';
import { LocalExecutions, type LocalHandler } from './adapter.ts';
import { openLocalBucket, type LocalBucket } from './bucket.ts';
import { eventMatches, runMachineFrom, synthesizeTemplate, type CfnTemplate, type RunMachine } from './template.ts';
import { WorkerPool } from './worker-pool.ts';
import type { LambdaUsage } from './lambda-limits.ts';
import { acquireLock } from './lock.ts';
import type { StudySize } from '../../lib/design/size.ts';
import type { PointOutcome } from '../../lib/pipeline/steps.ts';
import type { ObjectStore } from '../../lib/storage/port.ts';

export interface LocalProgress {
  pointsDone: number;
  pointsTotal: number;
  pointsFailed: number;
  /** The study's size and estimated compute, from Plan. */
  size?: StudySize;
}

export interface LocalRunOptions {
  /** The run configuration as a user would upload it (JSON text; '{}' is the default study). */
  configText: string;
  /** Run this config under a run id that holds a different one (its stored points are reused where they match). */
  replace?: boolean;
  /** Files the user uploads next to config.json first (names relative to the run folder), e.g. a custom data set. */
  files?: { name: string; bytes: Uint8Array }[];
  /** Folder of the embedded bucket (<outDir>/s3) and of the copied results (<outDir>/runs/<runId>/results). */
  outDir: string;
  runId: string;
  /** Worker processes for the Batch jobs (default: one per core). */
  workers?: number;
  dataDir?: string;
  cacheDir?: string;
  /** Stop the execution after this many points have been trained (a kill, for resume tests). */
  stopAfterPoints?: number;
  onProgress?(progress: LocalProgress): void;
  /** Where handler logs go (default: nowhere, the CLI shows a progress bar). */
  log?: LogSink;
  /** A template synthesized earlier (tests synthesize once). */
  template?: CfnTemplate;
  /**
   * Runs the Batch jobs instead of the worker pool: scale tests pass a simulated trainer that writes points from
   * known curve laws (bench/simulatedTrainer.ts), so that everything but training runs at full size.
   */
  trainJobs?: (store: ObjectStore) => (argv: string[]) => Promise<unknown>;
}

export interface LocalRunResult {
  runId: string;
  /** What the trigger did with the upload. */
  trigger: TriggerOutcome;
  executionArn?: string;
  /** RUNNING never appears: the call waits for the end. Invalid configs report FAILED. */
  state: ExecutionState;
  /** true when this call ran the execution (new, or a redrive of a failed / killed one). */
  ran: boolean;
  error?: string;
  cause?: string;
  /** Point ids this call trained (the worker pool's jobs that succeeded). */
  trainedPoints: string[];
  /** The largest state input or output of the execution, in bytes, and where (AWS's limit is 256 KiB). */
  largestPayload: { bytes: number; state: string };
  /** Each function's longest call and largest memory next to its Lambda limits (app/local/lambda-limits.ts). */
  lambdaUsage: LambdaUsage;
  resultsDir: string;
  reportPath: string;
  /** Plain-file copy of status.json. */
  statusPath: string;
}

const quiet: LogSink = () => {};

function lambdaContext(fn: string) {
  return { awsRequestId: randomUUID(), functionName: `mtlc-${fn}`, getRemainingTimeInMillis: () => 900_000 } as never;
}

/** The same handlers the Lambdas export, bound to the embedded bucket. */
function localHandlers(deps: DepsProvider, log: LogSink): Record<string, LocalHandler> {
  const wrap = (h: (event: unknown, context: never) => Promise<unknown>, fn: string): LocalHandler => (event) => h(event, lambdaContext(fn));
  return {
    plan: wrap(createPlanHandler(deps, log), 'plan'),
    fit: wrap(createFitHandler(deps, log), 'fit'),
    transfer: wrap(createTransferHandler(deps, log), 'transfer'),
    report: wrap(createReportHandler(deps, log), 'report'),
    status: wrap(createStatusHandler(deps, log), 'status'),
  };
}

/** Copies runs/<runId>/results/** and status.json out of the bucket into plain files under outDir. */
export async function exportResults(bucket: LocalBucket, runId: string, outDir: string): Promise<string[]> {
  const layout = runLayout(runId);
  const keys = [...(await bucket.store.list(layout.results)), layout.status];
  const written: string[] = [];
  for (const key of keys) {
    const bytes = await bucket.store.get(key);
    if (bytes === undefined) continue;
    const file = path.join(outDir, ...key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    written.push(file);
  }
  return written;
}

/** Waits for the S3 notification of `key` that the trigger's filter (from the template) lets through. */
function nextTriggerEvent(bucket: LocalBucket, machine: RunMachine, key: string): { event: Promise<{ Records: unknown[] }>; cancel(): void } {
  let off = () => {};
  const event = new Promise<{ Records: unknown[] }>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the embedded S3 sent no notification for ${key}`));
    }, 10_000);
    off = bucket.onEvent((e) => {
      const records = (e.Records as { eventName: string; s3: { object: { key: string } } }[]).filter(
        (r) =>
          r.s3.object.key === key &&
          r.s3.object.key.startsWith(machine.trigger.prefix) &&
          r.s3.object.key.endsWith(machine.trigger.suffix) &&
          eventMatches(r.eventName, machine.trigger.events),
      );
      if (records.length) {
        clearTimeout(timer);
        off();
        resolve({ Records: records });
      }
    });
  });
  return { event, cancel: () => off() };
}

interface LocalPipeline {
  bucket: LocalBucket;
  machine: RunMachine;
  /** Hands an S3 notification to the trigger handler and waits for the execution it names to end. */
  trigger(event: { Records: unknown[] }, runId: string): Promise<LocalRunResult>;
}

type PipelineOptions = Omit<LocalRunOptions, 'configText' | 'runId'>;

/** Embedded S3 + worker pool + local executions + the trigger handler, torn down after `use`. */
async function withLocalPipeline<T>(options: PipelineOptions, use: (p: LocalPipeline) => Promise<T>): Promise<T> {
  const outDir = path.resolve(options.outDir);
  const log = options.log ?? quiet;
  const bucket = await openLocalBucket(outDir);
  const progress: LocalProgress = { pointsDone: 0, pointsTotal: 0, pointsFailed: 0 };
  const trainedPoints: string[] = [];
  /** Points whose end a worker reported, so a job that fails without reporting them (a crash) counts the rest. */
  const reported = new Set<string>();
  let executionArn: string | undefined;
  let stopped = false;
  let executions!: LocalExecutions;
  const pointEnded = (outcome: PointOutcome) => {
    if (stopped) return;
    reported.add(outcome.pointId);
    if (!outcome.ok) progress.pointsFailed++;
    else if (!outcome.skipped) {
      progress.pointsDone++;
      trainedPoints.push(outcome.pointId);
    }
    options.onProgress?.({ ...progress });
    if (options.stopAfterPoints !== undefined && trainedPoints.length >= options.stopAfterPoints && executionArn) {
      stopped = true;
      executions.abort(executionArn, { killed: true });
    }
  };
  const pool = new WorkerPool({
    onPoint: pointEnded,
    size: options.workers,
    env: { MTLC_S3_ENDPOINT: bucket.endpoint, BUCKET_NAME: bucket.bucket, MTLC_DATA_DIR: options.dataDir ?? process.env.MTLC_DATA_DIR, MTLC_CACHE_DIR: options.cacheDir ?? process.env.MTLC_CACHE_DIR },
  });
  try {
    const machine = runMachineFrom(options.template ?? synthesizeTemplate(), { bucket: bucket.bucket });
    const deps: DepsProvider = () => ({ store: bucket.store, dataDir: options.dataDir, cacheDir: options.cacheDir, parallelJobs: pool.size });

    executions = new LocalExecutions({
      machine,
      handlers: localHandlers(deps, log),
      runJob: options.trainJobs ? options.trainJobs(bucket.store) : (argv) => pool.run(argv),
      registryDir: path.join(outDir, 'executions'),
      readObject: async (name, key) => (name === bucket.bucket ? bucket.store.get(key) : undefined),
      hooks: {
        onTaskResult(fn, result) {
          if (fn !== 'plan') return;
          const plan = result as PlanOutput;
          Object.assign(progress, { pointsDone: plan.pointsDone, pointsTotal: plan.pointsTotal, pointsFailed: 0, size: plan.size });
          options.onProgress?.({ ...progress });
        },
        onJobDone(parameters, ok) {
          if (ok || stopped) return;
          const lost = (JSON.parse(parameters.points ?? '[]') as string[]).filter((id) => !reported.has(id));
          progress.pointsFailed += lost.length;
          if (lost.length) options.onProgress?.({ ...progress });
        },
      },
    });
    const triggerHandler = createTriggerHandler(() => ({ storeFor: () => bucket.store, executions }), log);

    const trigger = async (event: { Records: unknown[] }, runId: string): Promise<LocalRunResult> => {
      const layout = runLayout(runId);
      const { outcomes } = await triggerHandler(event, lambdaContext('trigger'));
      const outcome = outcomes[0];
      const finish = async (state: ExecutionState, ran: boolean, extra: Partial<LocalRunResult> = {}): Promise<LocalRunResult> => {
        await exportResults(bucket, runId, outDir);
        return {
          runId,
          trigger: outcome,
          executionArn,
          state,
          ran,
          trainedPoints,
          largestPayload: { ...executions.largestPayload },
          lambdaUsage: executions.lambdaUsage,
          resultsDir: path.join(outDir, ...layout.results.split('/')),
          reportPath: path.join(outDir, ...layout.report.split('/')),
          statusPath: path.join(outDir, ...layout.status.split('/')),
          ...extra,
        };
      };
      if (outcome.outcome === 'ignored') {
        throw new InputError({ file: outcome.key }, `the trigger ignored this upload: ${outcome.reason} (is it in the embedded bucket under ${outDir}? \`mtlc invoke trigger --config FILE\` uploads one first)`);
      }
      if (outcome.outcome === 'invalid') return finish('FAILED', false, { error: 'InvalidConfig', cause: outcome.errors.map((e: { field: string; message: string }) => `'${e.field}' ${e.message}`).join('; ') });
      if (outcome.outcome === 'refused') throw new InputError({ file: outcome.key }, outcome.reason);
      const arn = outcome.executionArn;
      executionArn = arn;
      // The same upload again: the trigger started nothing. Pick up a failed or killed execution where the bucket left it.
      const ran = outcome.outcome === 'started' || (await executions.redrive(arn));
      const end = await executions.wait(arn);
      return finish(end.state, ran, { error: end.error, cause: end.cause });
    };
    return await use({ bucket, machine, trigger });
  } finally {
    await pool.close();
    await bucket.close();
  }
}

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  mkdirSync(path.resolve(options.outDir), { recursive: true });
  const release = acquireLock(path.resolve(options.outDir), options.runId);
  try {
    return await runLocalLocked(options);
  } finally {
    release();
  }
}

async function runLocalLocked(options: LocalRunOptions): Promise<LocalRunResult> {
  return withLocalPipeline(options, async ({ bucket, machine, trigger }) => {
    const key = runLayout(options.runId).config;
    // A run id is one study: another config under it would silently replace the first's config and report.
    const previous = await bucket.store.get(key);
    if (previous !== undefined && Buffer.from(previous).toString('utf8') !== options.configText && !options.replace) {
      throw new InputError(
        { column: '--run-id' },
        `run '${options.runId}' under ${options.outDir} already holds a different config (${bucket.store.describe(key)}): give this study its own --run-id, or pass --replace to run this config as '${options.runId}' (finished points that train the same are reused)`,
      );
    }
    // Upload as a user would; the notification the embedded S3 emits is the trigger's event.
    for (const file of options.files ?? []) {
      await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: `${runLayout(options.runId).root}${file.name}`, Body: file.bytes }));
    }
    const waiting = nextTriggerEvent(bucket, machine, key);
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: options.configText, ContentType: 'application/json' }));
    const event = await waiting.event;
    // The deployed bucket is versioned: every upload is a version of its own and starts an execution of its own. The
    // embedded S3 names an object by its content (ETag), so a config that replaces another one whose text was run
    // here before would be taken for that finished run, and its results would stay those of the replaced config.
    // Such an upload gets a version of its own; the same config uploaded again keeps its name (and resumes).
    const replaced = previous !== undefined && Buffer.from(previous).toString('utf8') !== options.configText;
    if (replaced) for (const r of event.Records as { s3: { object: { versionId?: string } } }[]) r.s3.object.versionId = `local-${Date.now().toString(36)}`;
    return trigger(event, options.runId);
  });
}

/** `mtlc invoke trigger`: a given S3 notification (e.g. events/s3-upload.json) through the same path. */
export async function runUploadEvent(options: PipelineOptions & { event: { Records: unknown[] }; configText?: string }): Promise<LocalRunResult> {
  const records = options.event.Records as { s3?: { object?: { key?: string } } }[];
  const key = decodeURIComponent(String(records?.[0]?.s3?.object?.key ?? '').replace(/\+/g, ' '));
  const runId = runIdFromConfigKey(key);
  if (!runId) throw new InputError({ column: 'Records[0].s3.object.key' }, `the event is not an upload of runs/<runId>/config.json (key ${JSON.stringify(key)})`);
  return withLocalPipeline(options, async ({ bucket, trigger }) => {
    // The sample event names an object; --config puts one there first, as the user's upload would have.
    if (options.configText !== undefined) {
      await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: options.configText, ContentType: 'application/json' }));
    }
    return trigger(options.event, runId);
  });
}
