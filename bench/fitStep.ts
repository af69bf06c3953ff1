// The Fit step timed on a stored run: its inputs document (results/fits/inputs.json.gz, written by PlanFits)
// planned into shards, every shard fitted and the shards merged, one after another in this process — the work of
// the Fit step's Lambda calls without the storage around them. `npm run bench -- --fit-inputs FILE`.
import { readFileSync } from 'node:fs';
import { StoredFitInputs } from '../lib/documents.ts';
import { checkBytes } from '../lib/storage/checked.ts';
import { fitShard, mergeFits, planShards } from '../lib/transfer/fit/shards.ts';

export interface FitStepTiming {
  points: number;
  shards: { id: string; seconds: number; fits: number; failed: number }[];
  planSeconds: number;
  mergeSeconds: number;
  totalSeconds: number;
}

export function timeFitStep(file: string): FitStepTiming {
  const checked = checkBytes(readFileSync(file), StoredFitInputs);
  if (!checked.ok) throw new Error(`${file}: not a Fit step inputs document (${checked.reason})`);
  const { input } = checked.value;
  const started = performance.now();
  const run = planShards(input);
  const planned = performance.now();
  const shards: FitStepTiming['shards'] = [];
  const results = run.shards.map((s) => {
    const t = performance.now();
    const r = fitShard(input, run, s.id);
    shards.push({ id: s.id, seconds: (performance.now() - t) / 1000, fits: r.fits.length, failed: r.failed.length });
    return r;
  });
  const fitted = performance.now();
  mergeFits(input, run, results);
  const done = performance.now();
  return { points: input.points.length, shards, planSeconds: (planned - started) / 1000, mergeSeconds: (done - fitted) / 1000, totalSeconds: (done - started) / 1000 };
}
