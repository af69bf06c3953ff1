import { describe, expect, it } from 'vitest';
import { chooseLookaheadRows } from '../../lib/lookahead/rows.ts';
import { probeEpochs } from '../../lib/lookahead/schedule.ts';
import { validateLookaheadOptions } from '../../lib/lookahead/hooks.ts';
import { ComputationError, ConfigError } from '../../lib/errors.ts';

const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

describe('probeEpochs', () => {
  it('puts each fraction at the end of the epoch that completes it', () => {
    // E = 20: 0.25 → 5 epochs done → index 4; 0.5 → 9; 0.75 → 14.
    expect(probeEpochs([0.25, 0.5, 0.75], 20)).toEqual([4, 9, 14]);
    // E = 3: ⌈0.25·3⌉−1 = 0, ⌈1.5⌉−1 = 1, ⌈2.25⌉−1 = 2.
    expect(probeEpochs([0.25, 0.5, 0.75], 3)).toEqual([0, 1, 2]);
    // E = 1: everything collapses onto the only epoch.
    expect(probeEpochs([0.25, 0.5], 1)).toEqual([0]);
  });
});

describe('chooseLookaheadRows', () => {
  it('carves the validation slice and the last Δ rows of each task when there is no reserve', () => {
    const trainRows = { a: range(0, 40), b: range(20, 30) };
    const rows = chooseLookaheadRows(trainRows, ['a', 'b'], { delta: 8, validationFraction: 0.1, seed: 1 });
    // Union 0..39 → 4 validation rows, removed from both tasks.
    expect(rows.validation.length).toBe(4);
    const v = new Set(rows.validation);
    for (const t of ['a', 'b']) {
      for (const r of [...rows.trainRows[t], ...rows.blocks[t]]) expect(v.has(r)).toBe(false);
      expect(new Set([...rows.trainRows[t], ...rows.blocks[t]])).toEqual(new Set([...trainRows[t as 'a' | 'b']].filter((r) => !v.has(r))));
    }
    // a keeps its order: the block is its last 8 remaining rows.
    const aLeft = [...trainRows.a].filter((r) => !v.has(r));
    expect([...rows.blocks.a]).toEqual(aLeft.slice(-8));
    // b has ≤ 10 rows: its block is capped at half of them.
    const bLeft = [...trainRows.b].filter((r) => !v.has(r));
    expect(rows.blocks.b.length).toBe(Math.floor(bLeft.length / 2));
  });

  it('takes blocks from the reserve and the caller’s validation slice without touching the training rows', () => {
    const trainRows = { a: range(0, 10), b: range(5, 15) };
    const rows = chooseLookaheadRows(trainRows, ['a', 'b'], {
      delta: 3,
      seed: 0,
      reserve: { a: range(50, 60), b: range(60, 62) },
      validation: range(100, 110),
    });
    expect([...rows.blocks.a]).toEqual([50, 51, 52]);
    expect(rows.trainRows.a).toEqual(trainRows.a);
    // b's reserve is short (2 < 3): its block is carved from its own rows instead.
    expect([...rows.blocks.b]).toEqual([12, 13, 14]);
    expect([...rows.trainRows.b]).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect([...rows.validation]).toEqual([...range(100, 110)]);
  });

  it('rejects impossible settings', () => {
    expect(() => chooseLookaheadRows({ a: range(0, 4) }, ['a'], { delta: 0, seed: 0 })).toThrow(ComputationError);
    expect(() => validateLookaheadOptions({ probes: [0.5, 1.2], steps: 0, delta: 4 })).toThrow(ConfigError);
    try {
      validateLookaheadOptions({ probes: [0.5, 1.2], steps: 0, delta: 4 });
    } catch (err) {
      expect((err as ConfigError).issues.map((i) => i.field)).toEqual(['study.lookahead.probes.1', 'study.lookahead.steps']);
    }
  });
});
