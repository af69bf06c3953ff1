// Where the built-in data sets are read from: an explicit folder, $MTLC_DATA_DIR, or the download cache.
import path from 'node:path';
import { ConfigError, InputError } from '../errors.ts';
import { resolveCacheDir } from '../features/cache.ts';
import { builtinFiles, hasBuiltin, type BuiltinName } from './builtin.ts';
import { downloadBuiltin } from './download.ts';

export interface BuiltinLocation {
  dir: string;
  /** Which setting chose the folder, for messages and notes. */
  origin: 'option' | 'dataset.dataDir' | 'MTLC_DATA_DIR' | 'cache';
  downloaded: boolean;
}

/**
 * Resolves the folder of a built-in data set, in this order: `explicitDir` (the caller's option),
 * config `dataset.dataDir`, $MTLC_DATA_DIR, else `<cache>/data`, downloading there once when
 * `download` is allowed. A folder named explicitly must hold the files: it is never silently replaced
 * by a download.
 */
export async function locateBuiltin(
  name: BuiltinName,
  dataset: { dataDir?: string; download: boolean },
  opts: { dataDir?: string; cacheDir?: string; baseUrl?: string } = {},
): Promise<BuiltinLocation> {
  const explicit: [BuiltinLocation['origin'], string | undefined][] = [
    ['option', opts.dataDir],
    ['dataset.dataDir', dataset.dataDir],
    ['MTLC_DATA_DIR', process.env.MTLC_DATA_DIR || undefined],
  ];
  for (const [origin, dir] of explicit) {
    if (!dir) continue;
    const resolved = path.resolve(dir);
    if (!hasBuiltin(name, resolved)) {
      const f = builtinFiles(name, resolved);
      throw new InputError({ file: f.labels }, `the ${name} data set is not in ${resolved} (chosen by ${origin}): expected ${path.basename(f.labels)} and ${path.basename(f.compounds)}`);
    }
    return { dir: resolved, origin, downloaded: false };
  }
  const cacheData = path.join(resolveCacheDir(opts.cacheDir), 'data');
  if (hasBuiltin(name, cacheData)) return { dir: cacheData, origin: 'cache', downloaded: false };
  if (!dataset.download) {
    throw new ConfigError([
      { field: 'dataset.download', message: `is false and no local copy of ${name} exists: set dataset.dataDir or MTLC_DATA_DIR, or allow the download into ${cacheData}` },
    ]);
  }
  await downloadBuiltin(name, cacheData, opts.baseUrl);
  return { dir: cacheData, origin: 'cache', downloaded: true };
}
