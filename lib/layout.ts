// Where each file of a run lives in the bucket (docs/results.md, README "What a run produces"). Every step uses these, never string literals.
import type { StudySize } from './design/size.ts';

export const RUNS_PREFIX = 'runs/';

export const runLayout = (runId: string) => {
  const root = `${RUNS_PREFIX}${runId}/`;
  return {
    root,
    config: `${root}config.json`,
    status: `${root}status.json`,
    prepared: `${root}prepared/`,
    /** The serialised PreparedDataset (gzipped JSON; lib/data serializePrepared). */
    dataset: `${root}prepared/dataset.json.gz`,
        splits: `${root}prepared/splits.json`,
    plan: `${root}prepared/plan.json`,
    /** The ids of the points still to train, a JSON list: the training Map's ItemReader reads it (docs/aws.md, "Jobs"). */
    pending: `${root}prepared/pending.json`,
    points: `${root}points/`,
    point: (pointId: string) => `${root}points/${pointId}.json`,
    results: `${root}results/`,
    /** One file per Fit shard (split, target task); MergeFits assembles curves.json from them. */
    fits: `${root}results/fits/`,
    fit: (shardId: string) => `${root}results/fits/${shardId}.json`,
    /** PlanFits' one document for every shard and MergeFits: the plan, the trained points, their hash, the shard ids (gzipped JSON). */
    fitInputs: `${root}results/fits/inputs.json.gz`,
    curves: `${root}results/curves.json`,
    transfer: `${root}results/transfer.json`,
    report: `${root}results/report.html`,
    plots: `${root}results/plots/`,
  };
};

/** The run id of a `runs/<runId>/config.json` key, or undefined for any other key. */
import { RUN_ID } from './ids.ts';
export { RUN_ID, RUN_ID_RULE } from './ids.ts';

export function runIdFromConfigKey(key: string): string | undefined {
  const m = /^runs\/([^/]+)\/config\.json$/.exec(key);
  return m && RUN_ID.test(m[1]) ? m[1] : undefined;
}

/**
 * The folder name of a `runs/<name>/config.json` key whose name breaks the run-id rule but can safely hold a
 * status.json beside the upload (undefined otherwise: '.', '..', control characters, over 200 characters).
 */
export function badRunIdOfConfigKey(key: string): string | undefined {
  const m = /^runs\/([^/]+)\/config\.json$/.exec(key);
  if (!m || RUN_ID.test(m[1])) return undefined;
  const name = m[1];
  // eslint-disable-next-line no-control-regex
  return name === '.' || name === '..' || name.length > 200 || /[\u0000-\u001f\u007f\\]/.test(name) ? undefined : name;
}

export interface RunStatus {
  state: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  runId: string;
  updatedAt: string;
  step?: string;
  error?: { step?: string; message: string; details?: unknown };
  progress?: { pointsDone: number; pointsTotal: number; pointsFailed?: number };
  /** The study's size, computed by Plan before anything trains. */
  size?: StudySize;
  /** What Plan found corrupt in the stored state and is rebuilding (file, and why). */
  repaired?: string[];
  executionArn?: string;
  /** A config uploaded while this run was RUNNING, which the trigger did not start (and why). */
  refusedUpload?: { at: string; message: string };
}
