// The batched trainer on stock tfjs ops — the path tfjs-node (GPU) takes, where mtlc's kernels are not registered —
// run here on the cpu backend with the kernels left out (this file's own process: a kernel once installed stays).
import { describe, expect, it } from 'vitest';
import { densify, loadBackend, trainPoint, type PointInput } from '../../lib/model/index.ts';
import { hasMtlcKernels } from '../../lib/model/kernels/mtlc-kernels.ts';
import { trainPoints } from '../../lib/model/batched.ts';
import type { ModelConfig } from '../../lib/config.ts';
import { plantedData, simpleSplit } from './synthetic.ts';

const model: ModelConfig = { hidden: [16], dropout: 0.1, batchSize: 32, learningRate: 0.01, maxSteps: 200, evalEvery: 10, patience: 5, minImprovement: 0.001 };
const data = plantedData({ n: 400, dim: 32, tasks: 2, missing: 0.2 });
const split = simpleSplit(data, 300, 50);

describe('trainPoints on stock ops (no mtlc kernels)', () => {
  it('trains each point as the single-point trainer does on the same ops', async () => {
    const backend = await loadBackend('cpu', { mtlcKernels: false });
    expect(hasMtlcKernels(backend.tf)).toBe(false);
    const features = { kind: 'dense' as const, dim: 32, values: densify(data.features) };
    const inputs: PointInput[] = [0, 1, 2].map((i) => ({
      ...data, ...split, features, model, seed: 7 + i, backend,
      trainRows: Object.fromEntries(data.tasks.map((t) => [t, split.trainRows[t].subarray(0, 60 + 100 * i)])),
    }));
    const alone: Awaited<ReturnType<typeof trainPoint>>[] = [];
    for (const input of inputs) alone.push(await trainPoint(input));
    const batched = await trainPoints(inputs, { slots: 2, backend });
    batched.forEach((b, i) => {
      expect(b.steps).toBe(alone[i].steps);
      for (const t of data.tasks) expect(b.metrics[t].auroc!).toBeCloseTo(alone[i].metrics[t].auroc!, 6);
    });
  });
});
