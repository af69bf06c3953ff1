import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { prepareDataset } from '../../lib/data/prepare.ts';
import { deserializePrepared, serializePrepared, type PreparedDataset } from '../../lib/data/prepared.ts';
import { ConfigError, InputError } from '../../lib/errors.ts';
import { dataDir } from '../helpers/paths.ts';
import { tempDir, writeCsv } from './tmpfiles.ts';

const dir = tempDir();
const cacheDir = tempDir('mtlc-cache-');

// Three targets: T1 (4 labels, 2 positives), T2 (3 labels), T3 (1 label). Compound 'bad' has an unparseable SMILES.
const labelsFile = writeCsv(dir, 'labels.csv', [
  'compound_id,smiles,target_id,value',
  'a,CCO,T1,8',
  'b,c1ccccc1O,T1,5',
  'c,CCN,T1,7',
  'd,CC(=O)O,T1,6',
  'a,CCO,T2,9',
  'b,c1ccccc1O,T2,4',
  'e,CCCl,T2,7.5',
  'bad,C1CC,T2,9',
  'f,CCC,T3,9',
]);
const custom = (extra: Record<string, unknown> = {}, tasks: Record<string, unknown> = { top: 2, minPositives: 1, minNegatives: 1 }) =>
  parseRunConfig({ dataset: { name: 'custom', labels: labelsFile, threshold: 7, ...extra }, tasks, features: { radius: 2, nBits: 256 } });

describe('prepareDataset on user data', () => {
  it('drops invalid SMILES (skip), selects tasks on what is left, keeps compounds with a selected label', async () => {
    const p = await prepareDataset(custom(), { cacheDir });
    expect(p.invalidSmiles).toEqual([{ compoundId: 'bad', smiles: 'C1CC' }]);
    expect(p.labels.tasks).toEqual(['T1', 'T2']);
    // f has only a T3 label and 'bad' was skipped: neither is a row.
    expect(p.labels.compoundIds).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Array.from(p.labels.labels)).toEqual([1, 1, 0, 0, 1, -1, 0, -1, -1, 1]);
    expect(p.summary).toEqual([
      { task: 'T1', labelled: 4, positives: 2, negatives: 2 },
      { task: 'T2', labelled: 3, positives: 2, negatives: 1 },
    ]);
    expect(p.smiles).toEqual(['CCO', 'c1ccccc1O', 'CCN', 'CC(=O)O', 'CCCl']);
    expect(p.features.kind).toBe('sparse');
    if (p.features.kind === 'sparse') {
      expect(p.features.dim).toBe(256);
      expect(p.features.offsets.length).toBe(6);
    }
    expect(p.threshold).toBe(7);
    expect(p.notes.join('\n')).toMatch(/skipped 1 compound/);
  });

  it("invalidSmiles 'fail' throws naming the compound", async () => {
    const err = await prepareDataset(custom({ invalidSmiles: 'fail' }), { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/labels\.csv, column 'smiles': 1 SMILES RDKit cannot parse: 'bad' \(C1CC\)/);
  });

  it('an explicitly listed task with too few positives is a config error naming the list entry', async () => {
    const err = await prepareDataset(custom({}, { list: ['T1', 'T3'], minPositives: 1, minNegatives: 1 }), { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([{ field: 'tasks.list.1', message: "target 'T3' has too few labels: 0 negatives < tasks.minNegatives = 1" }]);
  });

  it('with a features file: dense vectors in row order, no ECFP, SMILES optional', async () => {
    const labels = writeCsv(dir, 'nosmiles.csv', ['compound_id,target_id,label', 'x,T,1', 'y,T,0', 'z,T,1', 'z,T,1']);
    const features = writeCsv(dir, 'emb.csv', ['compound_id,e1,e2,e3', 'z,7,8,9', 'x,1,2,3', 'y,4,5,6']);
    const config = parseRunConfig({ dataset: { name: 'custom', labels, features }, tasks: { top: 1, minPositives: 1, minNegatives: 1 } });
    const p = await prepareDataset(config, { cacheDir });
    expect(p.smiles).toBeUndefined();
    expect(p.featureSource).toEqual({ kind: 'file', file: features, columns: ['e1', 'e2', 'e3'] });
    expect(p.features.kind === 'dense' && Array.from(p.features.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.threshold).toBeNull();
    expect(p.notes.join('\n')).toMatch(/merged 1 duplicate/);
  });

  it('serialises compactly and reads back identical', async () => {
    const p = await prepareDataset(custom(), { cacheDir });
    const bytes = serializePrepared(p);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const back = deserializePrepared(bytes);
    expect(back).toEqual(p);
    expect(back.labels.labels).toBeInstanceOf(Int8Array);
    expect(() => deserializePrepared('{"format":"other"}')).toThrow(/not a serialised prepared data set/);
  });
});

describe('prepareDataset on KIBA', () => {
  let p: PreparedDataset;
  beforeAll(async () => {
    p = await prepareDataset(parseRunConfig({ tasks: { top: 8 } }), { dataDir, cacheDir });
  });

  it('top 8 by count with threshold 12.1: README counts, every row labelled in some task', () => {
    expect(p.summary.map((s) => [s.task, s.labelled, s.positives])).toEqual([
      ['P35968', 1452, 474],
      ['P17612', 1248, 258],
      ['O94806', 1223, 277],
      ['P49841', 1176, 376],
      ['P06239', 1142, 268],
      ['Q05655', 1141, 203],
      ['P05129', 1134, 155],
      ['P12931', 1119, 324],
    ]);
    expect(p.invalidSmiles).toEqual([]);
    const T = p.labels.tasks.length;
    for (let r = 0; r < p.labels.compoundIds.length; r++) {
      let any = false;
      for (let t = 0; t < T; t++) any ||= p.labels.labels[r * T + t] >= 0;
      expect(any).toBe(true);
    }
    expect(p.features.kind === 'sparse' && p.features.offsets.length).toBe(p.labels.compoundIds.length + 1);
  });

  it('a second preparation reads ECFP from the cache and gives the same features', async () => {
    const again = await prepareDataset(parseRunConfig({ tasks: { top: 8 } }), { dataDir, cacheDir });
    expect(again.notes.join('\n')).toMatch(/from cache/);
    expect(again.features).toEqual(p.features);
  });

  it('names a data folder that lacks the files', async () => {
    await expect(prepareDataset(parseRunConfig({}), { dataDir: path.join(dir, 'nowhere'), cacheDir })).rejects.toThrow(/kiba data set is not in/);
  });
});
