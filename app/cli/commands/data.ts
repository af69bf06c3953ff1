// `mtlc data`: a quick look at a data set: the tasks a configuration selects, their counts and
// positive rates, the excluded targets with reasons, and skipped SMILES.
import { parseArgs } from 'node:util';
import { prepareDataset } from '../../../lib/data/prepare.ts';
import { configFromDataFlags, DATA_FLAG_OPTIONS, DATA_FLAG_USAGE } from '../flags.ts';
import { formatTable as table } from '../table.ts';

export const summary = 'show the tasks a data set and task selection give (counts, positive rates, exclusions)';

const USAGE = `usage: mtlc data [options]

Example: mtlc data --dataset kiba --tasks top:8

${DATA_FLAG_USAGE}`;


export async function run(argv: string[]): Promise<number> {
  const values = parseArgs({ args: argv, options: { ...DATA_FLAG_OPTIONS, help: { type: 'boolean', short: 'h' } } }).values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { help: _help, ...flags } = values;
  const config = configFromDataFlags(flags);
  const p = await prepareDataset(config);
  const rule = p.threshold === null ? 'labels given as 0/1' : `positive when value ${p.tie} ${p.threshold}`;
  console.log(`${p.name}: ${p.summary.length} tasks, ${p.labels.compoundIds.length} compounds (${rule}); features ${p.featureSource.kind === 'ecfp' ? `ECFP radius ${p.featureSource.radius}, ${p.featureSource.nBits} bits` : `${p.featureSource.columns.length} columns from ${p.featureSource.file}`}`);
  console.log('');
  console.log(
    table(
      ['task', 'labelled', 'positives', 'negatives', 'positive rate'],
      p.summary.map((s) => [s.task, String(s.labelled), String(s.positives), String(s.negatives), (s.positives / s.labelled).toFixed(3)]),
    ),
  );
  if (p.excluded.length) {
    console.log('\nexcluded:');
    for (const e of p.excluded) console.log(`  ${e.task}: ${e.reason}`);
  }
  if (p.invalidSmiles.length) {
    console.log(`\nskipped ${p.invalidSmiles.length} compound(s) with SMILES RDKit cannot parse:`);
    for (const x of p.invalidSmiles.slice(0, 20)) console.log(`  ${x.compoundId}: ${x.smiles}`);
    if (p.invalidSmiles.length > 20) console.log('  …');
  }
  if (p.notes.length) {
    console.log('\nnotes:');
    for (const n of p.notes) console.log(`  ${n}`);
  }
  return 0;
}
