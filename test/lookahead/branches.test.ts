// The snapshot branches train side by side as the slots of one stacked program: a branch's reading does not depend
// on which other branches share its program (so it is what the branch trained alone from the snapshot gives).
import { describe, expect, it } from 'vitest';
import { branchBatch, runBranches, type BranchInput } from '../../lib/lookahead/branches.ts';
import { densify, loadBackend } from '../../lib/model/index.ts';
import { plantedData, simpleSplit } from '../model/synthetic.ts';

const data = plantedData({ n: 700, dim: 64, tasks: 4, missing: 0.2 });
const split = simpleSplit(data, 480, 100);
const [target, ...sources] = data.tasks;
const own = split.trainRows[target];

function input(overrides: Partial<BranchInput>): BranchInput {
  return {
    features: data.features,
    labels: data.labels,
    target,
    sources,
    baseRows: own.subarray(0, 60),
    selfRows: own.subarray(60, 90),
    // The last source has fewer than Δ rows: it gets no branch.
    sourceRows: Object.fromEntries(sources.map((s, i) => [s, split.trainRows[s].subarray(0, i === 2 ? 10 : 30)])),
    validationRows: split.validationRows,
    model: { hidden: [32], dropout: 0.2, batchSize: 32, learningRate: 0.01, maxSteps: 300, evalEvery: 10, patience: 5, minImprovement: 0.001 },
    seed: 3,
    baseSteps: 200,
    branchSteps: 40,
    delta: 30,
    ...overrides,
  };
}

const readings = (o: Awaited<ReturnType<typeof runBranches>>) => ({ control: o.control, self: o.self, sources: o.sources, base: o.base, steps: o.steps });

describe('runBranches', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives each branch the same reading alone in its program, two at a time or all at once (${backend}; sparse and dense input)`, async () => {
      const loaded = await loadBackend(backend);
      for (const features of [data.features, { kind: 'dense' as const, dim: data.features.dim, values: densify(data.features) }]) {
        const alone = readings(await runBranches(input({ backend: loaded, features, slots: 1 })));
        expect(alone.sources[sources[2]]).toBeNull();
        expect(Object.values(alone.sources).filter((r) => r !== null)).toHaveLength(2);
        // control, self and two sources: four branches of 40 steps after the base.
        expect(alone.steps).toBeGreaterThan(4 * 40);
        for (const slots of [2, undefined]) expect(readings(await runBranches(input({ backend: loaded, features, slots })))).toEqual(alone);
      }
    });
  }

  it('reads something different when the seed differs (the check above compares real readings)', async () => {
    const loaded = await loadBackend('wasm');
    const a = readings(await runBranches(input({ backend: loaded })));
    const b = readings(await runBranches(input({ backend: loaded, seed: 4 })));
    expect(a).not.toEqual(b);
  });
});

describe('branchBatch', () => {
  it('adds rows in their share of the union, b = min(batch, n₀), while a step fits in a batch', () => {
    expect(branchBatch(128, 64, 64)).toEqual({ b: 64, m: 64 });
    expect(branchBatch(128, 32, 64)).toEqual({ b: 32, m: 64 });
    expect(branchBatch(128, 64, 1)).toEqual({ b: 64, m: 1 });
  });

  it('makes a step one batch of the union when Δ is well above n₀ (the pairwise point (n₀, Δ) trains so)', () => {
    // 128·16/528 = 3.88: 4 target rows and 124 added, the union's 3 % and 97 %.
    expect(branchBatch(128, 16, 512)).toEqual({ b: 4, m: 124 });
    // 128·16/8016 = 0.26: still one target row a step.
    expect(branchBatch(128, 16, 8000)).toEqual({ b: 1, m: 127 });
    // n₀ above the batch: 128 + 32 rows would be a batch and a quarter; 128·256/320 = 102.4.
    expect(branchBatch(128, 256, 64)).toEqual({ b: 102, m: 26 });
    expect(branchBatch(32, 60, 30)).toEqual({ b: 21, m: 11 });
  });
});
