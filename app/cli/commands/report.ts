// `mtlc report <runDir> [--run-id ID]`: regenerates results/report.html (plots, CSV) from a run's result files alone.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, InputError } from '../../../lib/errors.ts';
import { RUN_ID, RUNS_PREFIX, runLayout } from '../../../lib/layout.ts';
import { generateReport } from '../../../lib/report/write.ts';
import { FolderStore } from '../../../lib/storage/folder.ts';
import type { ObjectStore } from '../../../lib/storage/port.ts';

/** `mtlc run`'s default --out folder. */
const DEFAULT_LOCAL_OUT = 'mtlc-out';

export const summary = 'regenerate the HTML report, plots and CSV tables of a finished run';

const USAGE = `usage: mtlc report <runDir | runId> [--run-id ID]

<runDir> is one of:
  - the folder of a local run (\`mtlc run --out DIR\`), holding its embedded bucket;
  - a folder laid out as the bucket (runs/<runId>/config.json, results/*.json, ...);
  - one run's own folder (.../runs/<runId>).
A bare <runId> means that run in ./${DEFAULT_LOCAL_OUT} (the default of \`mtlc run --out\`).
--run-id picks the run when the bucket holds several.`;

interface OpenedBucket {
  store: ObjectStore;
  close(): Promise<void> | void;
  /** The run id the folder itself names (a .../runs/<runId> folder). */
  impliedRunId?: string;
  /** Where `mtlc run --out` exported the results as plain files: the regenerated report is copied there too. */
  mirror?: ObjectStore;
}

/**
 * Opens the store behind <runDir>. A local run's folder holds the embedded bucket under s3/ (read through
 * s3rver, as the pipeline wrote it) beside its exported runs/<id>/results/; otherwise the folder is the bucket.
 */
async function openRunDir(dir: string): Promise<OpenedBucket> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError({ file: dir }, 'not a folder');
  if (existsSync(path.join(dir, 'config.json')) && path.basename(path.dirname(dir)) === RUNS_PREFIX.replace('/', '')) {
    return { store: new FolderStore(path.dirname(path.dirname(dir))), close() {}, impliedRunId: path.basename(dir) };
  }
  if (existsSync(path.join(dir, 's3'))) {
    // Loaded on demand: only local runs need the embedded S3 server.
    const { openLocalBucket } = await import('../../local/bucket.ts');
    const bucket = await openLocalBucket(dir);
    return { store: bucket.store, close: () => bucket.close(), mirror: new FolderStore(dir) };
  }
  if (existsSync(path.join(dir, RUNS_PREFIX))) return { store: new FolderStore(dir), close() {} };
  throw new InputError({ file: dir }, `no runs found: expected ${RUNS_PREFIX}<runId>/config.json below it, a run folder, or a local run's folder (with s3/)`);
}

async function runIds(store: ObjectStore): Promise<string[]> {
  const keys = await store.list(RUNS_PREFIX);
  return [...new Set(keys.filter((k) => k.endsWith('/config.json')).map((k) => k.slice(RUNS_PREFIX.length, -'/config.json'.length)))].filter((id) => !id.includes('/'));
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { 'run-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`mtlc report: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    console.error(`mtlc report: expected one <runDir>, got ${parsed.positionals.length}\n\n${USAGE}`);
    return 2;
  }
  // A bare run id (no such folder) means that run in `mtlc run`'s default output folder.
  const arg = parsed.positionals[0];
  const byId = !existsSync(arg) && RUN_ID.test(arg) && !parsed.values['run-id'];
  const dir = path.resolve(byId ? DEFAULT_LOCAL_OUT : arg);
  if (byId && !existsSync(dir)) throw new InputError({ file: arg }, `neither a folder nor a run in ${dir} (the default of \`mtlc run --out\`)`);
  const bucket = await openRunDir(dir);
  if (byId) bucket.impliedRunId = arg;
  try {
    let runId = parsed.values['run-id'] ?? bucket.impliedRunId;
    if (!runId) {
      const ids = await runIds(bucket.store);
      if (ids.length !== 1) {
        throw new ConfigError([{ field: '--run-id', message: ids.length ? `the bucket holds ${ids.length} runs (${ids.join(', ')}); name one` : `no run found in ${dir}` }]);
      }
      runId = ids[0];
    }
    const keys = await generateReport(bucket.store, runId);
    let where = bucket.store.describe(runLayout(runId).report);
    if (bucket.mirror) {
      for (const key of keys) await bucket.mirror.put(key, (await bucket.store.get(key))!);
      where = `${bucket.mirror.describe(runLayout(runId).report)} (and ${where})`;
    }
    console.log(`report of run ${runId}: ${where} (${keys.length} files)`);
    return 0;
  } finally {
    await bucket.close();
  }
}
