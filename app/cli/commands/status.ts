// `mtlc status`: where a run stands — status.json and points done, plus the execution's state: the local
// execution records under --out, or with --cloud, Step Functions (DescribeExecution and the Map Run counts).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../../../lib/errors.ts';
import { openLocalBucket } from '../../local/bucket.ts';
import { liveLock } from '../../local/lock.ts';
import type { ExecutionDescription } from '../../../lib/execution/port.ts';
import { StepFunctionsExecutions } from '../../../lib/execution/sfn.ts';
import type { RunStatus } from '../../../lib/layout.ts';
import { readStatus, runProgress } from '../../../lib/pipeline/steps.ts';
import type { ObjectStore } from '../../../lib/storage/port.ts';
import { S3Store } from '../../../lib/storage/s3.ts';

export const summary = 'state and progress of a run (local, or on AWS with --cloud)';

const USAGE = `usage: mtlc status <runId> [--out DIR] [--json]
       mtlc status <runId> --cloud --bucket NAME [--json]

Local: reads the embedded bucket and execution records under DIR (default ./mtlc-out).
--cloud: reads s3://NAME/runs/<runId>/status.json and asks Step Functions about the execution it names
(AWS credentials and region from the usual AWS SDK chain; NAME defaults to $MTLC_BUCKET).`;

function localExecutions(outDir: string, runId: string): ExecutionDescription[] {
  const dir = path.join(outDir, 'executions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ExecutionDescription & { input?: { runId?: string } })
    .filter((e) => e.input?.runId === runId);
}

async function describeRun(store: ObjectStore, runId: string) {
  const ctx = { store, runId };
  const status: RunStatus | undefined = await readStatus(ctx);
  const progress = await runProgress(ctx);
  return { status, progress };
}

function print(runId: string, status: RunStatus | undefined, progress: { pointsDone: number; pointsTotal: number; pointsFailed: number }, executions: ExecutionDescription[]): void {
  if (!status) {
    console.log(`run ${runId}: no status.json (not uploaded, or the trigger has not run)`);
  } else {
    console.log(`run ${runId}: ${status.state}${status.step ? ` (step ${status.step})` : ''}, updated ${status.updatedAt}`);
    if (status.error) console.log(`  error${status.error.step ? ` in ${status.error.step}` : ''}: ${status.error.message}`);
  }
  console.log(`  points: ${progress.pointsDone}/${progress.pointsTotal} done${progress.pointsFailed ? `, ${progress.pointsFailed} failed` : ''}`);
  for (const e of executions) {
    console.log(`  execution ${e.name}: ${e.state}, started ${e.startedAt ?? '?'}${e.stoppedAt ? `, stopped ${e.stoppedAt}` : ''}`);
    if (e.error) console.log(`    ${e.error}: ${(e.cause ?? '').slice(0, 300)}`);
    if (e.mapRun) console.log(`    training map (points, trained in batches): ${e.mapRun.succeeded} succeeded, ${e.mapRun.running} running, ${e.mapRun.pending} pending, ${e.mapRun.failed} failed of ${e.mapRun.total}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, cloud: { type: 'boolean' }, bucket: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runId = positionals[0];
  if (!runId) throw new InputError({ column: '<runId>' }, `required\n${USAGE}`);

  let report: { status?: RunStatus; progress: { pointsDone: number; pointsTotal: number; pointsFailed: number }; executions: ExecutionDescription[]; processGone?: true };
  if (values.cloud) {
    const bucketName = values.bucket ?? process.env.MTLC_BUCKET;
    if (!bucketName) throw new InputError({ column: '--bucket' }, 'required with --cloud (or set MTLC_BUCKET)');
    const { status, progress } = await describeRun(new S3Store(bucketName), runId);
    const executions: ExecutionDescription[] = [];
    const arn = status?.executionArn;
    if (arn) {
      // arn:aws:states:<region>:<account>:execution:<stateMachine>:<name> → the state machine's ARN.
      const parts = arn.split(':');
      const stateMachineArn = [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
      const d = await new StepFunctionsExecutions(stateMachineArn).describe(arn);
      if (d) executions.push(d);
    }
    report = { status, progress, executions };
  } else {
    const outDir = path.resolve(values.out ?? 'mtlc-out');
    if (!existsSync(path.join(outDir, 's3'))) throw new InputError({ file: outDir }, 'no local bucket here (run `mtlc run --out DIR` first)');
    const bucket = await openLocalBucket(outDir);
    try {
      const { status, progress } = await describeRun(bucket.store, runId);
      report = { status, progress, executions: localExecutions(outDir, runId) };
      // A local run is RUNNING only while an mtlc run holds the folder's lock.
      const lock = liveLock(outDir);
      if (status?.state === 'RUNNING' && lock?.runId !== runId) report.processGone = true;
    } finally {
      await bucket.close();
    }
  }
  if (values.json) console.log(JSON.stringify({ runId, ...report }, null, 2));
  else {
    print(runId, report.status, report.progress, report.executions);
    if (report.processGone) console.log(`  but no mtlc run is running it: the process died; run \`mtlc run\` again with the same config and --out to resume (finished points are kept)`);
  }
  return report.status?.state === 'FAILED' ? 1 : 0;
}
