// `mtlc invoke`: runs one handler with a sample event (events/*.json) against the embedded S3 under --out,
// exactly as the Lambda (or the Batch trainer) would run it. The trigger's execution runs to its end.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFitHandler } from '../../../functions/fit/handler.ts';
import { createPlanHandler } from '../../../functions/plan/handler.ts';
import { createReportHandler } from '../../../functions/report/handler.ts';
import type { DepsProvider } from '../../../functions/shared/deps.ts';
import type { LogSink } from '../../../functions/shared/middleware/structured-logs.ts';
import { createStatusHandler } from '../../../functions/status/handler.ts';
import { trainerMain } from '../../../functions/trainer/main.ts';
import { createTransferHandler } from '../../../functions/transfer/handler.ts';
import { InputError } from '../../../lib/errors.ts';
import { RUN_ID, runLayout } from '../../../lib/layout.ts';
import { openLocalBucket } from '../../local/bucket.ts';
import { runUploadEvent } from '../../local/run.ts';

// Handler log lines go to stderr, so stdout carries only the handler's result (JSON a script can read).
const logToStderr: LogSink = (line) => console.error(JSON.stringify(line));

export const summary = 'run one handler (trigger, plan, fit, transfer, report, status, trainer) with a sample event';

const FUNCTIONS = ['trigger', 'plan', 'fit', 'transfer', 'report', 'status', 'trainer'] as const;
const USAGE = `usage: mtlc invoke <${FUNCTIONS.join('|')}> --event FILE [--config FILE] [--out DIR] [--data-dir DIR]

Runs the handler with the event against the embedded S3 under DIR (default ./mtlc-out) and prints its result.
Samples are in events/. 'trigger' takes an S3 notification (events/s3-upload.json) and runs the execution it starts;
'trainer' takes {runId, points: [point ids]} and runs the Batch container's entry on that batch.
--config FILE first puts FILE in the bucket as the run's config.json (the object the sample events name), e.g.
  mtlc invoke trigger --event events/s3-upload.json --config events/example-config.json`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { event: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const fn = positionals[0] as (typeof FUNCTIONS)[number] | undefined;
  if (!fn || !FUNCTIONS.includes(fn)) throw new InputError({ column: '<function>' }, `expected one of ${FUNCTIONS.join(', ')}, got ${JSON.stringify(fn ?? null)}\n${USAGE}`);
  if (!values.event) throw new InputError({ column: '--event' }, `required\n${USAGE}`);
  if (!existsSync(values.event)) throw new InputError({ file: values.event }, 'no such event file');
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(values.event, 'utf8'));
  } catch (err) {
    throw new InputError({ file: values.event }, `not valid JSON: ${(err as Error).message}`);
  }
  const outDir = path.resolve(values.out ?? 'mtlc-out');
  const dataDir = values['data-dir'];
  if (values.config !== undefined && !existsSync(values.config)) throw new InputError({ file: values.config }, 'no such config file');
  const configText = values.config === undefined ? undefined : readFileSync(values.config, 'utf8');

  if (fn === 'trigger') {
    const result = await runUploadEvent({ outDir, event: event as { Records: unknown[] }, configText, dataDir, log: logToStderr });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }

  const bucket = await openLocalBucket(outDir);
  try {
    const deps: DepsProvider = () => ({ store: bucket.store, dataDir });
    const runId = (event as { runId?: unknown }).runId;
    // The config goes under the event's run only when that is a run id: a name like '../x' reaches no key.
    if (configText !== undefined && typeof runId === 'string' && RUN_ID.test(runId)) await bucket.store.put(runLayout(runId).config, configText, 'application/json');
    const context = { awsRequestId: 'mtlc-invoke', functionName: `mtlc-${fn}` } as never;
    let result: unknown;
    if (fn === 'trainer') {
      // As the job gets them from SubmitJob's Parameters: the batch of ids as one JSON string.
      const e = event as { runId?: string; points?: unknown };
      result = await trainerMain(['--run-id', String(e.runId), '--points', JSON.stringify(e.points ?? null)], deps());
    } else {
      const handler = { plan: createPlanHandler, fit: createFitHandler, transfer: createTransferHandler, report: createReportHandler, status: createStatusHandler }[fn](deps, logToStderr);
      result = await handler(event, context);
    }
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await bucket.close();
  }
}
