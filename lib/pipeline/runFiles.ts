// A run's own files: a name in the config (dataset.labels, dataset.features) is a key inside the run's folder in
// the bucket, nothing else — no absolute path, no '..', no other run's files, no file of the machine that runs Plan.
import { ConfigError } from '../errors.ts';
import { RUN_FILE_NAME } from '../ids.ts';
import { runLayout } from '../layout.ts';
import type { RunConfig } from '../config.ts';

const MAX_NAME = 200;

/** The name of a file of the run, normalised (a leading './' dropped), or a ConfigError naming the field and what a name may be. */
export function runFileName(name: string, field: string): string {
  const plain = name.replace(/^\.\//, '');
  if (name.length > MAX_NAME || !RUN_FILE_NAME.test(plain)) {
    throw new ConfigError([
      {
        field,
        message: `${JSON.stringify(name.slice(0, MAX_NAME))} is not a file of this run: give the name of a file uploaded next to config.json (e.g. "labels.csv" or "inputs/labels.csv.gz": letters, digits, '.', '_', '-' and '/', no '..', no absolute path)`,
      },
    ]);
  }
  return plain;
}

/** The bucket key of a file named in the config (field `field`), inside the run's folder. */
export function runFileKey(runId: string, name: string, field: string): string {
  return `${runLayout(runId).root}${runFileName(name, field)}`;
}

/** The config's own file names (dataset.labels, dataset.features), each checked: found by the trigger, before any work. */
export function checkRunFileNames(config: RunConfig): void {
  const issues: { field: string; message: string }[] = [];
  // A run reads the built-in data sets from the deployment's data folder, never from a folder its config names.
  if (config.dataset.dataDir !== undefined) {
    issues.push({ field: 'dataset.dataDir', message: "is for local commands only (mtlc data/train); a run's config cannot name a folder to read: locally pass mtlc run --data-dir" });
  }
  for (const field of ['labels', 'features'] as const) {
    const name = config.dataset[field];
    if (name === undefined) continue;
    try {
      runFileName(name, `dataset.${field}`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length) throw new ConfigError(issues);
}
