// The batched trainer against the single-point trainer: same seeds, same results, whatever else shares the program.
import { describe, expect, it } from 'vitest';
import { densify, loadBackend, trainPoint, type PointInput } from '../../lib/model/index.ts';
import { pointsAtOnce, trainPoints } from '../../lib/model/batched.ts';
import type { ModelConfig } from '../../lib/config.ts';
import { plantedData, simpleSplit } from './synthetic.ts';

const model: ModelConfig = { hidden: [32], dropout: 0.1, batchSize: 32, learningRate: 0.01, maxSteps: 300, evalEvery: 10, patience: 5, minImprovement: 0.001 };
const data = plantedData({ n: 500, dim: 48, tasks: 3, missing: 0.2 });
const split = simpleSplit(data, 380, 60);

/** Five points of one shape that stop at different steps: different training rows (40 … 320) and seeds. */
function points(overrides: Partial<PointInput> = {}): PointInput[] {
  return [0, 1, 2, 3, 4].map((i) => ({
    ...data,
    ...split,
    trainRows: Object.fromEntries(data.tasks.map((t) => [t, split.trainRows[t].subarray(0, 40 + 70 * i)])),
    // One point without validation rows: it trains the whole budget and is read once.
    ...(i === 3 ? { validationRows: new Int32Array(0) } : {}),
    model,
    seed: i + 1,
    ...overrides,
  }));
}

const comparable = (o: Awaited<ReturnType<typeof trainPoint>>) => ({ metrics: o.metrics, steps: o.steps, bestSteps: o.bestSteps, stoppedEarly: o.stoppedEarly });

describe('trainPoints (batched)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    const variants: [string, Partial<PointInput>][] = [
      ['sparse input', {}],
      ['dense input, two trunk layers', { features: { kind: 'dense', dim: 48, values: densify(data.features) }, model: { ...model, hidden: [16, 8] } }],
    ];
    for (const [name, overrides] of variants) {
      it(`reproduces each point trained alone on ${backend}, ${name}, with 1 and 3 slots (a finished slot takes the next point)`, async () => {
        const loaded = await loadBackend(backend);
        const inputs = points({ ...overrides, backend: loaded });
        const alone = [];
        for (const input of inputs) alone.push(comparable(await trainPoint(input)));
        // The points stop at different steps, so slots are refilled mid-run.
        expect(new Set(alone.map((a) => a.steps)).size).toBeGreaterThan(1);
        for (const slots of [1, 3]) {
          const heard: number[] = [];
          const batched = await trainPoints(inputs, { slots, backend: loaded, onPoint: (i) => void heard.push(i) });
          expect(batched.map(comparable)).toEqual(alone);
          expect(heard.sort()).toEqual([0, 1, 2, 3, 4]);
          for (const out of batched) {
            expect(out.backend).toBe(loaded.backend);
            expect(out.seconds).toBeGreaterThan(0);
          }
        }
      });
    }
  }

  it('refuses points that cannot share a program, and hooks', async () => {
    const [a, b] = points();
    await expect(trainPoints([a, { ...b, tasks: ['T0'] }])).rejects.toThrow(/share the network shape/);
    await expect(trainPoints([a, { ...b, model: { ...model, hidden: [16] } }])).rejects.toThrow(/share the network shape/);
    await expect(trainPoints([{ ...a, hooks: {} }])).rejects.toThrow(/takes no hooks/);
  });

  it('picks slots by how much state fits in its budget, at most 16', () => {
    expect(pointsAtOnce(2048, [512], 8, 'cpu (AMD EPYC)')).toBe(16);
    expect(pointsAtOnce(2048, [4096, 4096], 8, 'cpu (AMD EPYC)')).toBe(1);
    expect(pointsAtOnce(2048, [4096, 4096], 8, 'NVIDIA A10G')).toBe(7);
    expect(pointsAtOnce(1_000_000, [8192], 8, 'NVIDIA A10G')).toBe(1);
  });
});
