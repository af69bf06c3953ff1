// `mtlc run --config FILE` with a custom data set: the files the config names are the user's own, resolved
// against the config file's folder (not the current directory), and uploaded into the run's folder as an AWS
// user uploads them by hand; the config is rewritten to those names. Plan itself reads nothing but the run folder.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/errors.ts';

export interface LocalInputs {
  configText: string;
  files: { name: string; bytes: Uint8Array }[];
  /** dataset.dataDir of the config, resolved against its folder: the run's --data-dir (a run's config holds none). */
  dataDir?: string;
}

const FIELDS = ['labels', 'features'] as const;

/** The config text with dataset.labels/features pointing at run files, and those files' bytes. Invalid JSON passes through (the validation names it). */
export function bundleLocalInputs(configText: string, configFile: string): LocalInputs {
  let doc: { dataset?: Record<string, unknown> };
  try {
    doc = JSON.parse(configText.replace(/^\uFEFF/, ''));
  } catch {
    return { configText, files: [] };
  }
  const dataset = doc?.dataset;
  if (!dataset || typeof dataset !== 'object') return { configText, files: [] };
  const files: LocalInputs['files'] = [];
  let dataDir: string | undefined;
  if (typeof dataset.dataDir === 'string') {
    dataDir = path.resolve(path.dirname(path.resolve(configFile)), dataset.dataDir);
    delete dataset.dataDir;
  }
  for (const field of FIELDS) {
    const value = dataset[field];
    if (typeof value !== 'string' || value === '') continue;
    const file = path.resolve(path.dirname(path.resolve(configFile)), value);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      throw new InputError({ file: configFile, column: `dataset.${field}` }, `no such file: ${file} (a name is resolved against the config file's folder)`);
    }
    if (!stat.isFile()) throw new InputError({ file: configFile, column: `dataset.${field}` }, `${file} is not a regular file`);
    const ext = /\.csv(\.gz)?$/i.exec(file)?.[0].toLowerCase() ?? '';
    const bytes = readFileSync(file);
    // The content's hash is in the name: an edited file is a new input (new prepared data, new points), never
    // mistaken for the one a previous run of this config read.
    const name = `inputs/${field}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}${ext}`;
    files.push({ name, bytes });
    dataset[field] = name;
  }
  return files.length || dataDir ? { configText: JSON.stringify(doc, null, 2), files, ...(dataDir ? { dataDir } : {}) } : { configText, files };
}
