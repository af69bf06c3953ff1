// npm run power: the power study of the transfer scores on planted task groups (docs/methods.md, "Comparison").
// Five planted data sets with different group structures; every score's AUROC at separating related from
// unrelated ordered pairs, with its interval, and its compute on this machine.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTable } from '../app/cli/table.ts';
import { parseRunConfig } from '../lib/config.ts';
import { loadBackend } from '../lib/model/index.ts';
import { plantedPower, summarisePower, type ScorePower } from '../lib/synthetic/powerStudy.ts';

// --only 0,2: run those sets (indexes into the list below) and write their rows with --json FILE; --summarise
// FILE… prints the summary of rows written that way (so the sets can run in parallel processes).
// The branches at the config's defaults, the grid up to each task's full size (Δ rows must fit within it).
// --designs single: only those designs (the branches need 'single'); --lookahead n0=32,delta=64: other branch settings;
// --grid-max 128: a smaller grid (with a Δ that fits it: --lookahead delta=64).
const { values, positionals } = parseArgs({
  options: { sets: { type: 'string' }, only: { type: 'string' }, json: { type: 'string' }, summarise: { type: 'boolean' }, designs: { type: 'string' }, lookahead: { type: 'string' }, 'grid-max': { type: 'string' } },
  allowPositionals: true,
});
const lookaheadOverrides = Object.fromEntries((values.lookahead ?? '').split(',').filter(Boolean).map((kv) => {
  const [key, value] = kv.split('=');
  if (!key || value === undefined || !Number.isFinite(Number(value))) throw new Error(`--lookahead: expected key=number pairs separated by commas (n0=16,delta=512), got '${kv}'`);
  return [key, Number(value)];
}));
const structures: [number[], number][] = [
  [[2, 2, 1], 5],
  [[3, 2, 1], 1],
  [[2, 2, 2], 2],
  [[4, 1, 1], 3],
  [[3, 3], 4],
  [[2, 1, 1, 1], 6],
];
const chosen = values.only ? values.only.split(',').map(Number) : [...Array(Number(values.sets ?? 5)).keys()];
const sets = chosen.map((k) => structures[k]);
const config = parseRunConfig({
  split: { kinds: ['random'], folds: 5, useFolds: [0, 1] },
  model: { hidden: [32], dropout: 0, batchSize: 32, learningRate: 0.01 },
  study: {
    designs: values.designs ? values.designs.split(',') : ['single', 'pairwise', 'random'],
    grid: { min: 16, max: values['grid-max'] === undefined || values['grid-max'] === 'full' ? 'full' : Number(values['grid-max']), factor: 2.83 },
    seeds: 2,
    randomRuns: 24,
    bootstrap: 20,
    tag: { enabled: true, every: 5, heldOut: true },
    lookahead: { enabled: true, ...lookaheadOverrides },
  },
});
const perSet: ScorePower[][] = [];
const fmt = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));
const ci = (c: [number, number] | null) => (c ? `[${c[0].toFixed(2)}, ${c[1].toFixed(2)}]` : '—');
if (values.summarise) {
  for (const file of positionals) perSet.push(...(JSON.parse(readFileSync(file, 'utf8')) as ScorePower[][]));
  summary();
  process.exit(0);
}
const backend = await loadBackend();
for (const [groupSizes, seed] of sets) {
  const started = performance.now();
  const rows = await plantedPower({ groupSizes, compounds: 1600, dim: 24, observed: 0.7, noise: 0.3, seed }, config, backend);
  perSet.push(rows);
  console.log(`\n# planted groups [${groupSizes.join(', ')}] (seed ${seed}), ${((performance.now() - started) / 1000).toFixed(0)} s on ${backend.backend}`);
  console.log(
    formatTable(
      ['score', 'AUROC', '95 % CI (Hanley–McNeil)', 'related / unrelated', 'scale (pairwise s_ij per unit)', 'compute s'],
      rows.map((r) => [r.score, fmt(r.auroc), ci(r.ci), `${r.related} / ${r.unrelated}`, fmt(r.scale, 3), fmt(r.seconds, 1)]),
    ),
  );
}
if (values.json) writeFileSync(values.json, JSON.stringify(perSet));
summary();

function summary(): void {
  console.log(`\n# over ${perSet.length} planted data sets: mean AUROC related vs unrelated, 95 % t interval over the sets, mean compute per set`);
  console.log(formatTable(['score', 'sets', 'mean AUROC', '95 % CI', 'compute s'], summarisePower(perSet).map((r) => [r.score, String(r.sets), fmt(r.mean), ci(r.ci), fmt(r.seconds, 1)])));
}
