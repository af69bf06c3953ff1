import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { loadRDKit, type RDKit } from '../../lib/features/rdkit.ts';
import { assignFolds, groupFolds, randomFolds } from '../../lib/splits/folds.ts';
import { testRows, validationRows } from '../../lib/splits/heldOut.ts';
import { compoundGroups } from '../../lib/splits/groups.ts';
import { murckoScaffold } from '../../lib/splits/scaffold.ts';

let rdkit: RDKit;
beforeAll(async () => {
  rdkit = await loadRDKit();
});

const canon = (s: string) => {
  const m = rdkit.get_mol(s)!;
  const out = m.get_smiles();
  m.delete();
  return out;
};

function foldSizes(fold: Int16Array, folds: number): number[] {
  const sizes = new Array<number>(folds).fill(0);
  fold.forEach((f) => sizes[f]++);
  return sizes;
}

describe('random folds', () => {
  it('F near-equal folds (sizes differ by at most 1), every compound in exactly one', () => {
    const a = randomFolds(103, 5, 7);
    expect(foldSizes(a.fold, 5).sort()).toEqual([20, 20, 21, 21, 21]);
    expect(a).toMatchObject({ kind: 'random', folds: 5, seed: 7 });
    const all = [0, 1, 2, 3, 4].flatMap((f) => Array.from(testRows(a, f)));
    expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('is deterministic given the seed, and another seed gives another split', () => {
    expect(randomFolds(200, 4, 1).fold).toEqual(randomFolds(200, 4, 1).fold);
    expect(randomFolds(200, 4, 1).fold).not.toEqual(randomFolds(200, 4, 2).fold);
  });

  it('rejects impossible fold counts by config field', () => {
    expect(() => randomFolds(3, 5, 0)).toThrow(ConfigError);
    expect(() => randomFolds(3, 5, 0)).toThrow(/split\.folds/);
    expect(() => testRows(randomFolds(10, 2, 0), 2)).toThrow(/fold 2 does not exist/);
  });
});

describe('group (scaffold) folds', () => {
  it('never splits a group, and balances sizes greedily: largest group first into the emptiest fold', () => {
    // Groups of sizes 6, 5, 4, 3, 2 into 2 folds: 6→f0, 5→f1, 4→f1 (9), 3→f0 (9), 2→f0 or f1 (tie → f0).
    const groups = [...'aaaaaa', ...'bbbbb', ...'cccc', ...'ddd', ...'ee'];
    const a = groupFolds(groups, 2, 3);
    const foldOf = new Map<string, Set<number>>();
    groups.forEach((g, r) => foldOf.set(g, (foldOf.get(g) ?? new Set()).add(a.fold[r])));
    for (const s of foldOf.values()) expect(s.size).toBe(1);
    expect(foldSizes(a.fold, 2)).toEqual([11, 9]);
  });

  it('the seed decides among equal-size groups only', () => {
    const groups = Array.from({ length: 60 }, (_, i) => `g${i}`);
    const a = groupFolds(groups, 3, 1);
    expect(foldSizes(a.fold, 3)).toEqual([20, 20, 20]);
    expect(groupFolds(groups, 3, 1).fold).toEqual(a.fold);
    expect(groupFolds(groups, 3, 2).fold).not.toEqual(a.fold);
  });
});

describe('Bemis–Murcko scaffolds', () => {
  it('keeps rings and linkers, drops side chains, keeps exocyclic double bonds on the core', () => {
    expect(murckoScaffold(rdkit, 'CC(=O)Nc1ccccc1')).toBe(canon('c1ccccc1')); // acetanilide
    expect(murckoScaffold(rdkit, 'CC(C)Cc1ccc(cc1)C(C)C(=O)O')).toBe(canon('c1ccccc1')); // ibuprofen
    expect(murckoScaffold(rdkit, 'c1ccccc1CC(=O)Nc1ccc[nH]1')).toBe(canon('O=C(Cc1ccccc1)Nc1ccc[nH]1'));
    expect(murckoScaffold(rdkit, 'O=C1CCCCC1C')).toBe(canon('O=C1CCCCC1'));
    expect(murckoScaffold(rdkit, 'Cn1ccnc1')).toBe(canon('c1c[nH]cn1')); // the N loses its methyl, gains an H
    expect(murckoScaffold(rdkit, 'C[C@H](N)c1ccc2ccccc2c1')).toBe(canon('c1ccc2ccccc2c1'));
    expect(murckoScaffold(rdkit, 'CCCCO')).toBe('');
    expect(murckoScaffold(rdkit, 'nonsense')).toBeUndefined();
  });

  it('scaffold split: compounds sharing a scaffold land in the same fold; acyclic ones are their own groups', async () => {
    // Planted structure: four scaffolds with 3 substituted variants each, plus 4 acyclic compounds.
    const families = [
      ['c1ccccc1C', 'c1ccccc1CC', 'Oc1ccccc1'],
      ['c1ccc2ccccc2c1O', 'c1ccc2ccccc2c1CN', 'Clc1ccc2ccccc2c1'],
      ['C1CCNCC1C', 'CC(=O)N1CCCCC1', 'OC1CCNCC1'],
      ['c1ccc(cc1)-c1ccncc1', 'Cc1ccc(cc1)-c1ccncc1', 'c1ccc(cc1)-c1ccnc(N)c1'],
    ];
    const smiles = [...families.flat(), 'CCO', 'CCCN', 'CC(C)O', 'CCOC'];
    const ids = smiles.map((_, i) => `m${i}`);
    const a = await assignFolds(ids, smiles, 'scaffold', 3, 0);
    expect(a.kind).toBe('scaffold');
    families.forEach((_, k) => {
      const f = [0, 1, 2].map((j) => a.fold[k * 3 + j]);
      expect(new Set(f).size).toBe(1);
    });
    expect(foldSizes(a.fold, 3).sort()).toEqual([5, 5, 6]);
    expect((await assignFolds(ids, smiles, 'scaffold', 3, 0)).fold).toEqual(a.fold);
  });

  it('scaffold split without SMILES is a config error; random ignores SMILES', async () => {
    await expect(assignFolds(['a', 'b'], undefined, 'scaffold', 2, 0)).rejects.toThrow(/split\.kinds/);
    expect((await assignFolds(['a', 'b', 'c', 'd'], undefined, 'random', 2, 0)).fold).toEqual(randomFolds(4, 2, 0).fold);
  });
});

describe('groups and the inner validation set', () => {
  it('puts compounds with the same SMILES or the same fingerprint into one fold, and counts them', async () => {
    const smiles = ['CCO', 'CCN', 'CCO', 'c1ccccc1', 'CCC', 'CCCl'];
    // rows 3 and 4 differ in SMILES but share a fingerprint (as stereoisomers do under ECFP)
    const bits = [[1], [2], [1], [7, 9], [7, 9], [5]];
    const offsets = Int32Array.from([0, ...bits.map((_, i) => bits.slice(0, i + 1).flat().length)]);
    const features = { kind: 'sparse' as const, dim: 16, offsets, indices: Int32Array.from(bits.flat()) };
    const { group, duplicatesGrouped } = compoundGroups(6, { smiles, features });
    expect(Array.from(group)).toEqual([0, 1, 0, 2, 2, 3]);
    expect(duplicatesGrouped).toBe(4);
    for (let seed = 0; seed < 5; seed++) {
      const a = await assignFolds(smiles.map((_, i) => `c${i}`), smiles, 'random', 3, seed, { features });
      expect(a.fold[0]).toBe(a.fold[2]);
      expect(a.fold[3]).toBe(a.fold[4]);
      expect(a.duplicatesGrouped).toBe(4);
    }
  });

  it('holds out whole groups outside the test fold, about validationFraction of them, the same for every call', () => {
    const groups = Array.from({ length: 400 }, (_, r) => `g${Math.floor(r / 2)}`); // pairs of compounds
    const a = groupFolds(groups, 5, 3, 'random', 0.2);
    for (let f = 0; f < 5; f++) {
      const v = validationRows(a, f);
      const nonTest = 400 - testRows(a, f).length;
      expect(Math.abs(v.length - 0.2 * nonTest)).toBeLessThanOrEqual(2);
      const inV = new Set(v);
      for (const r of v) {
        expect(a.fold[r]).not.toBe(f);
        expect(inV.has(r ^ 1)).toBe(true); // its group partner is held out with it
      }
      expect(validationRows(a, f)).toBe(v);
    }
    expect(Array.from(validationRows(a, 0))).not.toEqual(Array.from(validationRows(groupFolds(groups, 5, 4, 'random', 0.2), 0)));
  });
});
