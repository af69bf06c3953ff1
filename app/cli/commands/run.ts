// `mtlc run`: a whole run on this machine — the same state machine as on AWS, against an embedded S3.
import { SingleBar, Presets } from 'cli-progress';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, InputError } from '../../../lib/errors.ts';
import { runLocal, type LocalProgress } from '../../local/run.ts';
import { describeLambdaUsage } from '../../local/lambda-limits.ts';
import { bundleLocalInputs } from '../localInputs.ts';
import { describeStudySize } from '../../../lib/design/size.ts';
import { validateConfigText } from '../../../lib/pipeline/steps.ts';
import type { LogLine } from '../../../functions/shared/middleware/structured-logs.ts';
import { RUN_ID, RUN_ID_RULE, type RunStatus } from '../../../lib/layout.ts';
import { idFromName } from '../../../lib/ids.ts';

export const summary = 'run a study locally: embedded S3, the AWS state machine, one worker per core';

const USAGE = `usage: mtlc run [--config FILE] [--out DIR] [--run-id ID] [--replace] [--workers N] [--data-dir DIR] [--verbose]

Uploads the config (default: {} = the default KIBA study) to an embedded S3 under DIR (default ./mtlc-out),
lets the same trigger and state machine as on AWS run it, and copies the results to DIR/runs/<ID>/results/.
Running the same config again resumes it: only points missing from the bucket are trained.

  --config FILE    run configuration (JSON); see docs/config.md
  --out DIR        where the embedded bucket and the results live (default ./mtlc-out)
  --run-id ID      run id (default: the config file's name when it follows the rule — 1-80 of A-Z a-z 0-9 . _ -,
                   starting with a letter or digit — else that name made to follow it plus a 6-hex hash; 'default'
                   without --config). A run id that holds a different config is refused.
  --replace        run this config under a run id that holds another one (matching finished points are reused)
  --workers N      training processes (default: the config's execution.workers, else one per core)
  --data-dir DIR   folder with the KIBA/Davis files (default $MTLC_DATA_DIR, else download)
  --verbose        print the handlers' JSON log lines instead of a progress bar`;

/** Progress as one line every 30 s (and at the end), for logs: done/total, elapsed, time left at the rate so far. */
export function progressLines(write: (line: string) => void, every = 30_000, now = () => Date.now()): (p: LocalProgress) => void {
  const started = now();
  let last = started;
  let firstDone: number | undefined;
  return (p) => {
    firstDone ??= p.pointsDone;
    const t = now();
    if (t - last < every && p.pointsDone < p.pointsTotal) return;
    last = t;
    const trained = p.pointsDone - firstDone;
    const left = trained > 0 ? ((t - started) / trained) * (p.pointsTotal - p.pointsDone) : undefined;
    const pct = p.pointsTotal ? Math.floor((100 * p.pointsDone) / p.pointsTotal) : 100;
    write(
      `points ${p.pointsDone}/${p.pointsTotal} (${pct}%)${p.pointsFailed ? `, ${p.pointsFailed} failed` : ''}, ${formatDuration((t - started) / 1000)} elapsed` +
        (left !== undefined && p.pointsDone < p.pointsTotal ? `, about ${formatDuration(left / 1000)} left` : ''),
    );
  };
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The default run id: the config file's name without `.json`, when it already follows the run-id rule; otherwise
 * that name made to follow it plus 6 hex digits of its hash, so two names that read alike (`a b.json`, `a-b.json`,
 * two all-non-ASCII names) never share a run.
 */
export function defaultRunId(configFile: string | undefined): string {
  if (!configFile) return 'default';
  const name = path.basename(configFile).replace(/\.json$/i, '');
  if (RUN_ID.test(name)) return name;
  return idFromName(name, { fill: '-', max: 72, hexDigits: 6, fallback: 'run' });
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      'run-id': { type: 'string' },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const configFile = values.config;
  if (configFile && !existsSync(configFile)) throw new InputError({ file: configFile }, 'no such config file');
  const inputs = configFile ? bundleLocalInputs(readFileSync(configFile, 'utf8'), configFile) : { configText: '{}', files: [] };
  const { configText, files } = inputs;
  const checked = validateConfigText(configText);
  if (!checked.ok) throw new ConfigError(checked.errors);
  const runId = values['run-id'] ?? defaultRunId(configFile);
  if (!RUN_ID.test(runId)) throw new InputError({ column: '--run-id' }, `expected ${RUN_ID_RULE}`);
  let workers: number | undefined = checked.config.execution.workers;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new InputError({ column: '--workers' }, `expected a positive integer, got '${values.workers}'`);
  }
  const outDir = path.resolve(values.out ?? 'mtlc-out');

  // A bar on a terminal; where stderr is a log (no TTY) the bar draws nothing, so periodic lines stand in for it.
  const terminal = process.stderr.isTTY === true;
  const bar = values.verbose || !terminal ? undefined : new SingleBar({ format: 'points {bar} {value}/{total} | ETA {eta_formatted} | {step}', hideCursor: true }, Presets.shades_classic);
  const lines = !values.verbose && !terminal ? progressLines(console.error) : undefined;
  let barStarted = false;
  let sizeShown = false;
  const onProgress = (p: LocalProgress) => {
    if (p.size && !sizeShown) {
      sizeShown = true;
      const procs = workers ?? os.cpus().length;
      console.log(`study: ${describeStudySize(p.size)}; about ${formatDuration(p.size.estimatedSeconds / procs)} on ${procs} worker${procs === 1 ? '' : 's'}`);
    }
    lines?.(p);
    if (!bar) return;
    if (!barStarted) {
      bar.start(p.pointsTotal, p.pointsDone, { step: 'training' });
      barStarted = true;
    }
    bar.setTotal(p.pointsTotal);
    bar.update(p.pointsDone, { step: p.pointsFailed ? `training (${p.pointsFailed} failed)` : 'training' });
  };
  const log = (line: LogLine) => {
    if (values.verbose) console.error(JSON.stringify(line));
    else if (barStarted && line.msg === 'start' && typeof line.fn === 'string') bar?.update({ step: line.fn });
  };

  console.log(`mtlc run ${runId}: embedded bucket under ${path.join(outDir, 's3')}`);
  let result;
  try {
    result = await runLocal({ configText, files, outDir, runId, workers, replace: values.replace === true, dataDir: values['data-dir'] ?? inputs.dataDir, onProgress, log });
  } finally {
    if (barStarted) bar?.stop();
  }

  if (result.trigger.outcome === 'invalid') {
    console.error(`mtlc run: the trigger rejected the config: ${result.cause}`);
    return 1;
  }
  if (!result.ran && result.state === 'SUCCEEDED') console.log('This upload was already run to completion; nothing was recomputed.');
  if (result.state !== 'SUCCEEDED') {
    // status.json holds the one-line reason the failing step recorded; the execution's Cause holds a stack trace.
    const status = readRecordedStatus(result.statusPath);
    const reason = status?.error ? `${status.error.step ?? status.step ?? 'a step'} failed: ${status.error.message}` : `${result.error ?? ''} ${result.cause ?? ''}`.trim();
    console.error(`mtlc run: ${result.state}: ${reason}`);
    console.error(`status: ${result.statusPath}`);
    console.error(adviceAfterFailure(result.error, status?.error?.message));
    return 1;
  }
  console.log(`trained ${result.trainedPoints.length} point(s) in this run`);
  // How close each Lambda step came to its limits on AWS (the local runner enforces them).
  const lambdas = describeLambdaUsage(result.lambdaUsage);
  if (lambdas.length) console.log(`Lambda steps against their AWS limits:\n  ${lambdas.join('\n  ')}`);
  console.log(`results: ${result.resultsDir}`);
  console.log(`report:  ${result.reportPath}`);
  return 0;
}

/** What to do after a failed run, from the execution's error and the message status.json recorded. */
export function adviceAfterFailure(executionError: string | undefined, statusMessage: string | undefined): string {
  // The states carry counts and keys only (the point ids travel through S3), so no study can pass the limit.
  if (executionError === 'States.DataLimitExceeded') {
    return "A state's data exceeded Step Functions' 256 KiB limit, as it would on AWS: running again fails the same way. The states carry counts and keys only, so this is a defect of mtlc: please report it with the state named above.";
  }
  if (/^(ConfigError|InputError)\b/.test(statusMessage ?? executionError ?? '')) return 'Fix the input and run the same command again: finished points are kept.';
  return 'Run the same command again to resume: finished points are kept.';
}

function readRecordedStatus(file: string): RunStatus | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunStatus;
  } catch {
    return undefined;
  }
}
