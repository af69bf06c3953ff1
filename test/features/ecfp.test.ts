import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedEcfp } from '../../lib/features/cache.ts';
import { computeEcfp, findInvalidSmiles } from '../../lib/features/ecfp.ts';
import { loadRDKit, type RDKit } from '../../lib/features/rdkit.ts';

let rdkit: RDKit;
beforeAll(async () => {
  rdkit = await loadRDKit();
});

const bitsOf = (m: { offsets: Int32Array; indices: Int32Array }, r: number) => Array.from(m.indices.subarray(m.offsets[r], m.offsets[r + 1]));

describe('ECFP (Morgan) fingerprints', () => {
  it('counts distinct atom environments: methane 1, ethane 2, benzene 3 at radius 2; radius 0 = one bit per atom type', () => {
    // Methane: one environment. Ethane: CH3 (r0) and CH3–CH3 (r1); r2 adds nothing new.
    // Benzene: all six atoms are equivalent at every radius → one environment per radius 0, 1, 2.
    const { matrix } = computeEcfp(rdkit, ['C', 'CC', 'c1ccccc1', 'CCO'], { radius: 2, nBits: 2048 });
    expect(bitsOf(matrix, 0).length).toBe(1);
    expect(bitsOf(matrix, 1).length).toBe(2);
    expect(bitsOf(matrix, 2).length).toBe(3);
    // Ethanol at radius 0: CH3, CH2, OH are three different atom invariants.
    expect(bitsOf(computeEcfp(rdkit, ['CCO'], { radius: 0, nBits: 2048 }).matrix, 0).length).toBe(3);
  });

  it('decodes the packed bytes to the same bits as RDKit’s bit string, ascending and below nBits', () => {
    const smiles = ['CC(=O)Nc1ccc(O)cc1', 'c1ccc2[nH]ccc2c1', 'CN1CCC[C@H]1c1cccnc1'];
    for (const nBits of [64, 100, 2048]) {
      const { matrix, invalid } = computeEcfp(rdkit, smiles, { radius: 2, nBits });
      expect(invalid).toEqual([]);
      expect(matrix.dim).toBe(nBits);
      smiles.forEach((s, r) => {
        const mol = rdkit.get_mol(s)!;
        const text = mol.get_morgan_fp(JSON.stringify({ radius: 2, nBits }));
        mol.delete();
        const expected = [...text].flatMap((ch, i) => (ch === '1' ? [i] : []));
        expect(bitsOf(matrix, r)).toEqual(expected);
      });
    }
  });

  it('reports unparseable SMILES by index and gives them empty rows', () => {
    const { matrix, invalid } = computeEcfp(rdkit, ['CCO', 'not-a-smiles', 'c1cccc1', 'N'], { radius: 2, nBits: 256 });
    expect(invalid).toEqual([1, 2]);
    expect(bitsOf(matrix, 1)).toEqual([]);
    expect(bitsOf(matrix, 2)).toEqual([]);
    expect(bitsOf(matrix, 3).length).toBe(1);
    expect(findInvalidSmiles(rdkit, ['CCO', 'C1CC', 'N'])).toEqual([1]);
  });

  it('caches per (SMILES list, radius, nBits): the second call reads the same matrix back', () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-ecfp-'));
    const smiles = ['CCO', 'xx', 'c1ccccc1O'];
    const first = cachedEcfp(rdkit, smiles, { radius: 2, nBits: 512 }, cacheDir);
    const second = cachedEcfp(rdkit, smiles, { radius: 2, nBits: 512 }, cacheDir);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.matrix).toEqual(first.matrix);
    expect(second.invalid).toEqual([1]);
    expect(cachedEcfp(rdkit, smiles, { radius: 1, nBits: 512 }, cacheDir).cached).toBe(false);
    expect(cachedEcfp(rdkit, [...smiles, 'N'], { radius: 2, nBits: 512 }, cacheDir).cached).toBe(false);
    expect(readdirSync(path.join(cacheDir, 'ecfp')).length).toBe(3);
  });
});
