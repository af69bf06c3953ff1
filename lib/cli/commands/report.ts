// `mtlc report <runDir> [--run-id ID]`: regenerates results/report.html (plots, CSV) from a run's result files alone.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, InputError } from '../../errors.ts';
import { RUNS_PREFIX, runLayout } from '../../layout.ts';
import { generateReport } from '../../report/write.ts';
import { FolderStore } from '../../storage/folder.ts';
import type { ObjectStore } from '../../storage/port.ts';

export const summary = 'regenerate the HTML report, plots and CSV tables of a finished run';

const USAGE = `usage: mtlc report <runDir> [--run-id ID]

<runDir> is one of:
  - the folder of a local run (\`mtlc run --out DIR\`), holding its embedded bucket;
  - a folder laid out as the bucket (runs/<runId>/config.json, results/*.json, ...);
  - one run's own folder (.../runs/<runId>).
--run-id picks the run when the bucket holds several.`;

interface OpenedBucket {
  store: ObjectStore;
  close(): Promise<void> | void;
}

/** The local-run bucket adapter (lib/execution/local), when that module provides one. */
async function openLocalRunBucket(dir: string): Promise<OpenedBucket | undefined> {
  const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../execution/local/index.ts');
  if (!existsSync(module)) return undefined;
  const local = (await import(pathToFileURL(module).href)) as { openLocalBucket?: (dir: string) => Promise<OpenedBucket> };
  return local.openLocalBucket ? local.openLocalBucket(dir) : undefined;
}

/** Opens the store behind <runDir> and says which run id the folder itself names, if any. */
async function openRunDir(dir: string): Promise<OpenedBucket & { impliedRunId?: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError({ file: dir }, 'not a folder');
  if (existsSync(path.join(dir, 'config.json')) && path.basename(path.dirname(dir)) === RUNS_PREFIX.replace('/', '')) {
    return { store: new FolderStore(path.dirname(path.dirname(dir))), close() {}, impliedRunId: path.basename(dir) };
  }
  if (existsSync(path.join(dir, RUNS_PREFIX))) return { store: new FolderStore(dir), close() {} };
  const local = await openLocalRunBucket(dir);
  if (local) return local;
  throw new InputError({ file: dir }, `no runs found: expected ${RUNS_PREFIX}<runId>/config.json below it, a run folder, or a local run's bucket`);
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
  const dir = path.resolve(parsed.positionals[0]);
  const bucket = await openRunDir(dir);
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
    console.log(`report of run ${runId}: ${bucket.store.describe(runLayout(runId).report)} (${keys.length} files)`);
    return 0;
  } finally {
    await bucket.close();
  }
}
