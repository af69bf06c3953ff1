import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { enumeratePoints, geometricGrid, logUniformSize, lookaheadTarget, type AvailableCount } from '../../lib/design/index.ts';
import type { PointSpec } from '../../lib/types.ts';
import { lookaheadCoverage } from '../../lib/transfer/scores.ts';

const noProbes = { tag: { enabled: false, every: 5 }, lookahead: { enabled: false } };

function config(study: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return parseRunConfig({ split: { kinds: ['random'], folds: 5, useFolds: [0, 1] }, ...extra, study: { seeds: 2, ...noProbes, ...study } });
}

function available(counts: Record<string, number>, folds = [0, 1], splits: ('random' | 'scaffold')[] = ['random']): AvailableCount[] {
  return splits.flatMap((split) => folds.flatMap((fold) => Object.entries(counts).map(([task, nTrain]) => ({ split, fold, task, nTrain }))));
}

const twoTasks = available({ A: 100, B: 40 });
const perCell = (points: PointSpec[], fold = 0, seed = 0) => points.filter((p) => p.fold === fold && p.seed === seed);
const sizesOf = (points: PointSpec[]) => points.map((p) => p.sizes);

describe('geometric grid', () => {
  it('doubles from min and always ends at the cap', () => {
    expect(geometricGrid(16, 2, 100)).toEqual([16, 32, 64, 100]);
    expect(geometricGrid(16, 2, 64)).toEqual([16, 32, 64]);
    expect(geometricGrid(16, 2, 10)).toEqual([10]);
    expect(geometricGrid(16, 2, 0)).toEqual([]);
  });
  it('keeps each rounded size once for a small factor', () => {
    const g = geometricGrid(2, 1.1, 6);
    expect(g).toEqual([...new Set(g)]);
    expect(g).toEqual([...g].sort((a, b) => a - b));
    expect(g[g.length - 1]).toBe(6);
  });
  it('draws log-uniform sizes inside the range', () => {
    expect(logUniformSize(0, 16, 256)).toBe(16);
    expect(logUniformSize(0.5, 16, 256)).toBe(64);
    expect(logUniformSize(0.999999, 16, 256)).toBe(256);
  });
});

describe('enumeratePoints: counts per design', () => {
  it('single: each task alone on its grid, per fold and seed', () => {
    const { points } = enumeratePoints(config({ designs: ['single'] }), twoTasks);
    expect(points).toHaveLength(7 * 2 * 2); // A: 16,32,64,100; B: 16,32,40
    expect(sizesOf(perCell(points))).toEqual([{ A: 16 }, { A: 32 }, { A: 64 }, { A: 100 }, { B: 16 }, { B: 32 }, { B: 40 }]);
  });

  it('all: every task at the same n, each capped at its full size', () => {
    const { points } = enumeratePoints(config({ designs: ['all'] }), twoTasks);
    expect(sizesOf(perCell(points))).toEqual([
      { A: 16, B: 16 },
      { A: 32, B: 32 },
      { A: 64, B: 40 },
      { A: 100, B: 40 },
    ]);
  });

  it('contextual: focus on its grid, the others at each fraction of their full size', () => {
    const { points } = enumeratePoints(config({ designs: ['contextual'], contextFractions: [0, 0.25, 1] }), twoTasks);
    const cell = perCell(points);
    // 4·3 (focus A) + 3·3 (focus B) = 21 roles; A at 100 with B at 40 is asked for by both focuses.
    expect(cell).toHaveLength(20);
    expect(cell.reduce((s, p) => s + p.uses!.length, 0)).toBe(21);
    const shared = cell.find((p) => p.sizes.A === 100 && p.sizes.B === 40)!;
    expect(shared.uses).toEqual([
      { design: 'contextual', focus: 'A', fraction: 1 },
      { design: 'contextual', focus: 'B', fraction: 1 },
    ]);
    expect(cell.find((p) => p.sizes.A === 32 && p.sizes.B === 10)?.uses).toEqual([{ design: 'contextual', focus: 'A', fraction: 0.25 }]);
    expect(cell.find((p) => p.sizes.B === 16 && p.sizes.A === 25)?.uses).toEqual([{ design: 'contextual', focus: 'B', fraction: 0.25 }]);
  });

  it('pairwise: one training per cell serves both ordered pairs, and n_j = 0 is the single-task point', () => {
    const { points } = enumeratePoints(config({ designs: ['single', 'pairwise'] }), twoTasks);
    const cell = perCell(points);
    // (n_A ∈ {0,16,32,64,100}) × (n_B ∈ {0,16,32,40}) without (0,0).
    expect(cell).toHaveLength(5 * 4 - 1);
    const both = cell.find((p) => p.sizes.A === 64 && p.sizes.B === 16)!;
    expect(both.uses).toEqual([
      { design: 'pairwise', focus: 'A', source: 'B' },
      { design: 'pairwise', focus: 'B', source: 'A' },
    ]);
    const aAlone = cell.find((p) => p.sizes.A === 32 && p.sizes.B === undefined)!;
        expect(aAlone.uses).toEqual([{ design: 'single' }, { design: 'pairwise', focus: 'A', source: 'B' }]);
  });

  it('pairwise with an explicit pair list plans only those directions', () => {
    const three = available({ A: 64, B: 32, C: 16 });
    const { points } = enumeratePoints(config({ designs: ['pairwise'], pairs: [['B', 'A']] }), three);
    const cell = perCell(points);
    expect(cell.every((p) => p.sizes.C === undefined && p.sizes.A > 0)).toBe(true);
    expect(cell).toHaveLength(3 * 3); // n_A ∈ {16,32,64}, n_B ∈ {0,16,32}
  });

  it('random: randomRuns draws per fold, log-uniform in range, shared by the seeds and deterministic', () => {
    const three = available({ A: 300, B: 120, C: 50 });
    const cfg = config({ designs: ['random'], randomRuns: 6 });
    const { points } = enumeratePoints(cfg, three);
    expect(points).toHaveLength(6 * 2 * 2);
    const seed0 = perCell(points, 0, 0);
    const seed1 = perCell(points, 0, 1);
    expect(sizesOf(seed1)).toEqual(sizesOf(seed0));
    for (const p of points) {
      expect(p.sizes.A).toBeGreaterThanOrEqual(16);
      expect(p.sizes.A).toBeLessThanOrEqual(300);
      expect(p.sizes.C).toBeLessThanOrEqual(50);
    }
    expect(new Set(seed0.map((p) => p.sizes.A)).size).toBeGreaterThan(3);
    expect(seed0.map((p) => p.uses![0].run)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(enumeratePoints(cfg, three)).toEqual({ points, caps: [] });
  });

  it('runs every design under each split kind', () => {
    const both = available({ A: 100, B: 40 }, [0], ['random', 'scaffold']);
    const cfg = parseRunConfig({ split: { kinds: ['random', 'scaffold'], useFolds: [0] }, study: { designs: ['single'], seeds: 1, ...noProbes } });
    const { points } = enumeratePoints(cfg, both);
    expect(points.filter((p) => p.split === 'random')).toHaveLength(7);
    expect(points.filter((p) => p.split === 'scaffold')).toHaveLength(7);
  });
});

describe('enumeratePoints: placebo sources', () => {
  const withPlacebo = available({ A: 100, B: 40, 'A~placebo': 100, 'B~placebo': 40 });

  it('pairwise: every target gets every placebo source on the same grid; placebos are never targets', () => {
    const { points } = enumeratePoints(config({ designs: ['pairwise'] }), withPlacebo);
    const uses = perCell(points).flatMap((p) => p.uses!);
    const pairs = new Set(uses.map((u) => `${u.source} → ${u.focus}`));
    expect([...pairs].sort()).toEqual(['A → B', 'A~placebo → A', 'A~placebo → B', 'B → A', 'B~placebo → A', 'B~placebo → B']);
    // placebo → A has A's grid × {0} ∪ B~placebo's grid, as the real pair B → A
    const cells = (source: string) => perCell(points).filter((p) => p.uses!.some((u) => u.source === source && u.focus === 'A'));
    const grid = (source: string) => cells(source).map((p) => `${p.sizes.A}×${p.sizes[source] ?? 0}`).sort();
    expect(grid('B~placebo')).toEqual(grid('B'));
  });

  it('contextual: a placebo surface per focus with the placebo copies of the others as context; single/all stay real', () => {
    const { points } = enumeratePoints(config({ designs: ['single', 'all', 'contextual'], contextFractions: [0, 1] }), withPlacebo);
    const cell = perCell(points);
    const placeboUses = cell.flatMap((p) => p.uses!.filter((u) => u.placebo).map((u) => ({ u, sizes: p.sizes })));
    expect(new Set(placeboUses.map(({ u }) => u.focus))).toEqual(new Set(['A', 'B']));
    for (const { u, sizes } of placeboUses) {
      const others = Object.keys(sizes).filter((t) => t !== u.focus);
      expect(others.every((t) => t.endsWith('~placebo'))).toBe(true);
      if (u.fraction === 1) expect(others).toEqual([`${u.focus === 'A' ? 'B' : 'A'}~placebo`]);
    }
    for (const p of cell) {
      if (p.uses!.some((u) => u.design === 'single' || u.design === 'all')) expect(Object.keys(p.sizes).some((t) => t.endsWith('~placebo'))).toBe(false);
    }
  });
});

describe('enumeratePoints: a grid too coarse for its curves', () => {
  it('is a config error naming the grid and the task, not a run whose fits all fail', () => {
    // A: 16, 32, 64, 100; B: 16, 32, 40 — with min 32: A 32, 64, 100 (3), B 32, 40 (2).
    expect(() => enumeratePoints(config({ designs: ['single'], grid: { min: 32, max: 'full', factor: 2 } }), twoTasks)).toThrow(
      /study\.grid.*task 'B' \(random split, test fold 0\) 2 training size\(s\); an EXP3 curve needs at least 3/,
    );
    expect(enumeratePoints(config({ designs: ['single'], grid: { min: 16, max: 'full', factor: 2 } }), twoTasks).points.length).toBeGreaterThan(0);
    // pairwise: the target needs 2 sizes at least
    expect(() => enumeratePoints(config({ designs: ['pairwise'], grid: { min: 64, max: 'full', factor: 2 } }), twoTasks)).toThrow(/task 'B'.*a pairwise curve needs at least 2/);
    // contextual: 2 sizes × 2 fractions = 4 cells is enough for EXP3.2
    expect(enumeratePoints(config({ designs: ['contextual'], contextFractions: [0, 1], grid: { min: 32, max: 'full', factor: 2 } }), twoTasks).points.length).toBeGreaterThan(0);
  });
});

describe('enumeratePoints: ids', () => {
  const cfg = config({ designs: ['single', 'all', 'contextual', 'pairwise', 'random'] });
  const { points } = enumeratePoints(cfg, twoTasks);

  it('are unique, readable and deterministic', () => {
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
    for (const p of points) expect(p.id).toMatch(new RegExp(`^${p.split}-f${p.fold}-s${p.seed}-k${Object.keys(p.sizes).length}-[0-9a-f]{16}$`));
    expect(enumeratePoints(cfg, twoTasks).points.map((p) => p.id)).toEqual(points.map((p) => p.id));
  });

  it('depend on the training, not on which designs asked for it', () => {
    const single = enumeratePoints(config({ designs: ['single'] }), twoTasks).points;
    const byKey = new Map(points.map((p) => [JSON.stringify([p.fold, p.seed, p.sizes]), p.id]));
    for (const p of single) expect(byKey.get(JSON.stringify([p.fold, p.seed, p.sizes]))).toBe(p.id);
    const otherExecution = enumeratePoints(config({ designs: ['single'] }, { execution: { maxConcurrency: 3 } }), twoTasks).points;
    expect(otherExecution.map((p) => p.id)).toEqual(single.map((p) => p.id));
  });

  it('change when the model or the data change', () => {
    const single = enumeratePoints(config({ designs: ['single'] }), twoTasks).points;
    const budget = enumeratePoints(config({ designs: ['single'] }, { model: { maxSteps: 300 } }), twoTasks).points;
    const threshold = enumeratePoints(config({ designs: ['single'] }, { dataset: { threshold: 11 } }), twoTasks).points;
    for (const other of [budget, threshold]) {
      expect(other).toHaveLength(single.length);
      other.forEach((p, i) => expect(p.id).not.toBe(single[i].id));
    }
  });
});

describe('enumeratePoints: caps and probes', () => {
  it('reports sizes capped by the data instead of silently shrinking them', () => {
    const cfg = config({ designs: ['single'], grid: { min: 16, max: 200, factor: 2 } });
    const { points, caps } = enumeratePoints(cfg, available({ A: 100, B: 40, C: 500 }));
    expect(caps).toEqual([
      { task: 'A', split: 'random', fold: 0, requested: 200, used: 100 },
      { task: 'B', split: 'random', fold: 0, requested: 200, used: 40 },
      { task: 'A', split: 'random', fold: 1, requested: 200, used: 100 },
      { task: 'B', split: 'random', fold: 1, requested: 200, used: 40 },
    ]);
    expect(sizesOf(perCell(points)).filter((s) => 'C' in s)).toEqual([{ C: 16 }, { C: 32 }, { C: 64 }, { C: 128 }, { C: 200 }]);
    expect(sizesOf(perCell(points)).filter((s) => 'B' in s)).toEqual([{ B: 16 }, { B: 32 }, { B: 40 }]);
  });

  it('skips a task with no compounds in a fold (reported as a cap); too few for a curve is a config error naming it', () => {
    const { points, caps } = enumeratePoints(config({ designs: ['single'] }), available({ A: 100, B: 0 }, [0]).concat(available({ A: 100, B: 0 }, [1])));
    expect(caps.filter((c) => c.fold === 0)).toEqual([{ task: 'B', split: 'random', fold: 0, requested: 16, used: 0 }]);
    expect(points.every((p) => Object.keys(p.sizes).join() === 'A')).toBe(true);
    expect(() => enumeratePoints(config({ designs: ['single'] }), available({ A: 8, B: 100 }))).toThrow(/study\.grid.*task 'A'.*1 training size\(s\); an EXP3 curve needs at least 3/);
  });

  it('puts the TAG probes on the all-task full-size point only, once per split, fold and seed', () => {
    const cfg = parseRunConfig({ split: { useFolds: [0, 1] }, study: { designs: ['single', 'all', 'contextual'], seeds: 2, lookahead: { enabled: false } } });
    const { points } = enumeratePoints(cfg, twoTasks);
    const probed = points.filter((p) => p.probes);
    expect(probed).toHaveLength(4);
    for (const p of probed) {
      expect(p.sizes).toEqual({ A: 100, B: 40 });
      expect(p.probes).toEqual({ tag: { every: 5, heldOut: true } });
      expect(p.uses!.map((u) => u.design)).toEqual(['all', 'contextual', 'contextual']);
    }
  });

  it('plans one snapshot-branch job per target and replicate, never merged with a curve point', () => {
    const cfg = parseRunConfig({ split: { useFolds: [0, 1] }, study: { designs: ['single'], seeds: 2, tag: { enabled: false }, lookahead: { n0: 64, delta: 32 } } });
    const counts = available({ A: 100, B: 40, 'A~placebo': 100, 'B~placebo': 40 }, [0]).concat(available({ A: 100, B: 40, 'A~placebo': 100, 'B~placebo': 40 }, [1]));
    const jobs = enumeratePoints(cfg, counts).points.filter((p) => p.probes?.lookahead);
    // 2 targets × 2 folds × 2 seeds. A: n₀ = 64 (+ Δ = 32 self rows); B: n₀ = min(64, 40 − 32) = 8.
    expect(jobs).toHaveLength(8);
    const a = jobs.find((p) => lookaheadTarget(p) === 'A' && p.fold === 0 && p.seed === 0)!;
    expect(a.sizes).toEqual({ A: 96, B: 32, 'A~placebo': 32, 'B~placebo': 32 });
    expect(a.probes).toEqual({ lookahead: { n0: 64, delta: 32, baseSteps: 1000, branchSteps: 150 } });
    expect(a.uses).toEqual([{ design: 'lookahead', focus: 'A' }]);
    const b = jobs.find((p) => lookaheadTarget(p) === 'B' && p.fold === 1 && p.seed === 1)!;
    expect(b.sizes.B).toBe(40);
    expect(b.probes!.lookahead!.n0).toBe(8);
    // A task with fewer than Δ rows gives no branch as a source, and fewer than Δ + 2 none as a target.
    const wider = parseRunConfig({ split: { useFolds: [0, 1] }, study: { designs: ['single'], grid: { min: 8 }, seeds: 2, tag: { enabled: false }, lookahead: { n0: 64, delta: 32 } } });
    const plan = enumeratePoints(wider, available({ A: 100, B: 31 }, [0]).concat(available({ A: 100, B: 31 }, [1]))).points;
    const small = plan.filter((p) => p.probes?.lookahead);
    expect(small.map((p) => [lookaheadTarget(p), p.sizes])).toEqual(Array(4).fill(['A', { A: 96 }]));
    // …and the transfer step says so, once per split, instead of leaving those pairs silently without estimates.
    expect(lookaheadCoverage(wider, plan)).toEqual([
      { split: 'random', task: 'A', source: 'B', reason: expect.stringMatching(/no branch of this source: it has fewer than Δ = 32 training rows.*study\.lookahead\.delta/) },
      { split: 'random', task: 'B', reason: expect.stringMatching(/no snapshot-branch job: the target has fewer than Δ \+ 2 = 34 training rows/) },
    ]);
    expect(lookaheadCoverage(cfg, enumeratePoints(cfg, counts).points)).toEqual([]);
    // A study of one task plans no branches, and nothing is missing.
    const one = enumeratePoints(wider, available({ A: 100 }, [0]).concat(available({ A: 100 }, [1]))).points;
    expect(lookaheadCoverage(wider, one)).toEqual([]);
    // A numeric grid.max below Δ + 2 caps every task's rows: refused when the config is read, naming both fields.
    expect(() => parseRunConfig({ study: { designs: ['single'], grid: { min: 16, max: 256 } } })).toThrow(/study\.lookahead\.delta.*512 rows per branch need study\.grid\.max ≥ Δ \+ 2 = 514 \(it is 256/);
    expect(() => parseRunConfig({ study: { designs: ['single'], grid: { min: 16, max: 256 }, lookahead: { delta: 128 } } })).not.toThrow();
  });

  it('needs the single-task curves for the branches: a config without them is refused, naming the fix', () => {
    expect(() => parseRunConfig({ study: { designs: ['pairwise'] } })).toThrow(/study\.lookahead\.enabled.*add 'single' to study\.designs/);
    expect(() => parseRunConfig({ study: { lookahead: { probes: [0.5], steps: 10 } } })).toThrow(/study\.lookahead\.probes.*retired with the data lookahead/);
  });

  it('adds the probe point when TAG is enabled without the all design', () => {
    const cfg = parseRunConfig({ split: { useFolds: [0] }, study: { designs: ['single'], seeds: 1, lookahead: { enabled: false } } });
    const probed = enumeratePoints(cfg, available({ A: 100, B: 40 }, [0])).points.filter((p) => p.probes);
    expect(probed.map((p) => [p.sizes, p.probes, p.uses])).toEqual([[{ A: 100, B: 40 }, { tag: { every: 5, heldOut: true } }, [{ design: 'all' }]]]);
  });
});

describe('enumeratePoints: bad input', () => {
  it('names the pair entry that is not among the selected tasks', () => {
    const cfg = config({ designs: ['pairwise'], pairs: [['A', 'B'], ['A', 'Z'], ['B', 'B']] });
    let error: unknown;
    try {
      enumeratePoints(cfg, twoTasks);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.field)).toEqual(['study.pairs.1', 'study.pairs.2']);
    expect((error as ConfigError).message).toContain("'Z' not among the selected tasks");
  });

  it('rejects a grid whose max is below its min', () => {
    expect(() => enumeratePoints(config({ grid: { min: 32, max: 16, factor: 2 } }), twoTasks)).toThrow(/study.grid.max/);
  });

  it('says which available count is missing', () => {
    expect(() => enumeratePoints(config({ designs: ['single'] }), available({ A: 100 }, [0]))).toThrow(/task 'A' in the random split, fold 1/);
  });
});
