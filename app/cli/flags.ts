// Command-line flags that choose a data set and its tasks, shared by `mtlc data` and any command that
// trains on a data set: they are turned into the dataset/tasks/features parts of a RunConfig.
import { readFileSync } from 'node:fs';
import { parseRunConfig, type RunConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { numberFlag } from './usage.ts';

/** node:util parseArgs options for the data flags. */
export const DATA_FLAG_OPTIONS = {
  config: { type: 'string' },
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  labels: { type: 'string' },
  features: { type: 'string' },
  tasks: { type: 'string' },
  'min-positives': { type: 'string' },
  'min-negatives': { type: 'string' },
  threshold: { type: 'string' },
  tie: { type: 'string' },
  'invalid-smiles': { type: 'string' },
  radius: { type: 'string' },
  bits: { type: 'string' },
} as const;

export const DATA_FLAG_USAGE = `data options:
  --config FILE          start from a run configuration (JSON); the flags below override it
  --dataset NAME         kiba | davis | custom (default kiba)
  --data-dir DIR         folder with the built-in long-format files (default $MTLC_DATA_DIR, else the download cache)
  --labels FILE          custom: CSV compound_id,smiles,target_id,label|value
  --features FILE        CSV compound_id,<numeric columns> used instead of ECFP
  --tasks SPEC           top:K (K targets with most labels) or a comma-separated list of target ids
  --min-positives N      minimum positives per task (default 10)
  --min-negatives N      minimum negatives per task (default 10)
  --threshold X          binarisation threshold (defaults: kiba 12.1, davis 7)
  --tie '>='|'>'         tie rule of the threshold (default >=)
  --invalid-smiles skip|fail
  --radius R, --bits N   ECFP radius and bit count (default 2, 2048)`;

export type DataFlagValues = { [K in keyof typeof DATA_FLAG_OPTIONS]?: string };


/** The run configuration the flags describe (validated; every problem named by its field). */
export function configFromDataFlags(values: DataFlagValues): RunConfig {
  let base: Record<string, unknown> = {};
  if (values.config) {
    try {
      base = JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError([{ field: '--config', message: `cannot read ${values.config} as JSON: ${(err as Error).message}` }]);
    }
  }
  const dataset = { ...((base.dataset as object) ?? {}) } as Record<string, unknown>;
  const tasks = { ...((base.tasks as object) ?? {}) } as Record<string, unknown>;
  const features = { ...((base.features as object) ?? {}) } as Record<string, unknown>;
  if (values.dataset !== undefined) dataset.name = values.dataset;
  if (values['data-dir'] !== undefined) dataset.dataDir = values['data-dir'];
  if (values.labels !== undefined) {
    dataset.labels = values.labels;
    dataset.name ??= 'custom';
  }
  if (values.features !== undefined) dataset.features = values.features;
  if (values.threshold !== undefined) dataset.threshold = numberFlag('threshold', values.threshold);
  if (values.tie !== undefined) dataset.tie = values.tie;
  if (values['invalid-smiles'] !== undefined) dataset.invalidSmiles = values['invalid-smiles'];
  if (values.tasks !== undefined) {
    const m = /^top:(.+)$/.exec(values.tasks);
    if (m) {
      tasks.top = numberFlag('tasks', m[1]);
      delete tasks.list;
    } else {
      tasks.list = values.tasks.split(',').map((s) => s.trim()).filter(Boolean);
    }
  }
  if (values['min-positives'] !== undefined) tasks.minPositives = numberFlag('min-positives', values['min-positives']);
  if (values['min-negatives'] !== undefined) tasks.minNegatives = numberFlag('min-negatives', values['min-negatives']);
  if (values.radius !== undefined) features.radius = numberFlag('radius', values.radius);
  if (values.bits !== undefined) features.nBits = numberFlag('bits', values.bits);
  return parseRunConfig({ ...base, dataset, tasks, features });
}
