// The built-in benchmarks against the counts published in ../shared/data/README.md.
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../lib/data/builtin.ts';
import { countTargets, selectTasks } from '../../lib/data/select.ts';
import { dataDir } from '../helpers/paths.ts';

const sum = (a: Int8Array) => a.reduce((s, x) => s + x, 0);

describe('built-in data sets', () => {
  const kiba = loadBuiltin('kiba', dataDir);

  it('KIBA: 118254 pairs, 2111 compounds, 229 targets; 24828 positives at score >= 12.1', () => {
    expect(kiba.label.length).toBe(118254);
    expect(kiba.compoundIds.length).toBe(2111);
    expect(kiba.smiles!.length).toBe(2111);
    expect(kiba.targets.length).toBe(229);
    expect(sum(kiba.label)).toBe(24828);
    expect(kiba.threshold).toBe(12.1);
  });

  it('KIBA: the strict rule (> 12.1) gives 22729 positives', () => {
    expect(sum(loadBuiltin('kiba', dataDir, 12.1, '>').label)).toBe(22729);
  });

  it('KIBA: the top targets by count match the README table', () => {
    const { selected } = selectTasks(countTargets(kiba), { top: 5, minPositives: 0, minNegatives: 0 }, 'kiba');
    expect(selected).toEqual([
      { task: 'P35968', labelled: 1452, positives: 474, negatives: 978 },
      { task: 'P17612', labelled: 1248, positives: 258, negatives: 990 },
      { task: 'O94806', labelled: 1223, positives: 277, negatives: 946 },
      { task: 'P49841', labelled: 1176, positives: 376, negatives: 800 },
      { task: 'P06239', labelled: 1142, positives: 268, negatives: 874 },
    ]);
  });

  it('Davis: 30056 pairs (complete 68 × 442); 2502 positives at pKd >= 7, 2457 with >', () => {
    const davis = loadBuiltin('davis', dataDir);
    expect(davis.label.length).toBe(68 * 442);
    expect(davis.compoundIds.length).toBe(68);
    expect(davis.targets.length).toBe(442);
    expect(sum(davis.label)).toBe(2502);
    expect(sum(loadBuiltin('davis', dataDir, 7, '>').label)).toBe(2457);
    // 32 of the 442 targets have no positive at pKd 7.
    expect(countTargets(davis).filter((c) => c.positives === 0).length).toBe(32);
  });
});
