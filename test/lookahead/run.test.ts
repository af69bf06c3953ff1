import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../lib/model/backend.ts';
import { TaskData } from '../../lib/model/data.ts';
import { createNetwork } from '../../lib/model/create.ts';
import { fit } from '../../lib/model/train.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { trainPoint } from '../../lib/model/point.ts';
import { parseRunConfig } from '../../lib/config.ts';
import { createLookaheadRecorder, probeDataLookahead, trainProbedPoint } from '../../lib/lookahead/index.ts';
import { plantedProblem } from '../tag/planted.ts';

let backend: LoadedBackend;
beforeAll(async () => {
  backend = await loadBackend('cpu');
});

// A and B label compounds by the same latent direction, C by an unrelated one. A has more data; B and C are
// small. Rows 0..249 are the training fold's pool, 250..399 the validation compounds, 400..499 the test fold.
const groups: Record<string, number> = { A: 0, B: 0, C: 1 };
const tasks = Object.keys(groups);
const problem = plantedProblem({ compounds: 500, dim: 12, groups, density: 0.5, noise: 0.2, seed: 12 });
const sizes: Record<string, number> = { A: 80, B: 30, C: 30 };
const pool = Object.fromEntries(tasks.map((t) => [t, problem.rowsOf[t].filter((r) => r < 250)]));
const trainRows = Object.fromEntries(tasks.map((t) => [t, pool[t].slice(0, sizes[t])]));
const reserve = Object.fromEntries(tasks.map((t) => [t, pool[t].slice(sizes[t])]));
const validation = Int32Array.from({ length: 150 }, (_, i) => 250 + i);
const testRows = Int32Array.from({ length: 100 }, (_, i) => 400 + i);
const model = parseRunConfig({ model: { hidden: [16], dropout: 0.1, maxSteps: 100, batchSize: 32, learningRate: 0.01 } }).model;
const lookahead = { probes: [0.25, 0.5, 0.75], steps: 10, delta: 40, reserve, validation };

describe('data lookahead on a planted problem', () => {
  it('scores the related source above the unrelated one, and the point trains as without probes', async () => {
    // No inner validation rows: the whole budget (20 passes of 5 steps) is trained, as the probes' schedule assumes.
    const input = { features: problem.features, labels: problem.labels, tasks, trainRows, testRows, validationRows: new Int32Array(0), model, seed: 1, backend };
    const out = await trainProbedPoint(input, { lookahead });
    const d = out.lookahead!.d;
    // Measured with the project's one generator (SFC32) over 24 generator/training seeds (12/1 … 35/24):
    // D_{A→B} −0.001–0.141, D_{A→C} −0.076–0.060, D_{A→B} > D_{A→C} + 0.02 in 21 of 24 (the earlier mulberry32
    // model stream: 18 of 24). This case (12/1): 0.017 vs −0.076.
    expect(d.A.B).toBeGreaterThan(d.A.C + 0.02);
    expect(out.lookahead!.probes).toBe(3);
    expect(out.lookahead!.seconds).toBeGreaterThan(0);
    // Blocks came from the reserve: the main run trained on exactly the point's rows.
    expect(out.rows!.trainRows).toEqual(trainRows);
    const plain = await trainPoint(input);
    expect(out.point.metrics).toEqual(plain.metrics);
  });

  it('restores weights and optimizer state exactly: the same fit with and without probes ends bit-identical', async () => {
    const tf = backend.tf;
    const train = async (probe: boolean) => {
      const data = new TaskData(tf, problem.features, problem.labels, tasks, trainRows, { sparseInput: false });
      const network = createNetwork(backend, data, model, 7);
      const recorder = createLookaheadRecorder(tf, { probes: [0.5], steps: 3, delta: 8, blocks: reserve, validation, batchSize: 32, seed: 2 });
      const rows = Int32Array.from(new Set(tasks.flatMap((t) => [...trainRows[t]]))).sort();
      await fit(tf, network, data, rows, { stopping: { maxSteps: 4 * Math.ceil(rows.length / 32), evalEvery: 1000, patience: 1 }, batchSize: 32, rng: createRng(3), hooks: probe ? recorder.hooks : undefined });
      const weights = network.variables.map((v) => Array.from(v.dataSync()));
      const state = network.optimizer.getState();
      const moments = [...state.moments.values()].map(({ m, v }) => [Array.from(m.dataSync()), Array.from(v.dataSync())]);
      const step = state.step;
      network.optimizer.disposeState(state);
      network.dispose();
      data.dispose();
      return { weights, moments, step, probes: recorder.result().probes };
    };
    const plain = await train(false);
    const probed = await train(true);
    expect(probed.probes).toBe(1);
    expect(probed.weights).toEqual(plain.weights);
    expect(probed.moments).toEqual(plain.moments);
    expect(probed.step).toBe(plain.step);
  });

  it('leaves a source without a block undefined and does not leak tensors', async () => {
    const tf = backend.tf;
    const data = new TaskData(tf, problem.features, problem.labels, tasks, trainRows, { sparseInput: false });
    const network = createNetwork(backend, data, model, 7);
    const rows = Int32Array.from(new Set(tasks.flatMap((t) => [...trainRows[t]]))).sort();
    const input = { model: network, data, trainRows: rows, blocks: { A: reserve.A.slice(0, 8) }, validation, steps: 2, batchSize: 16, seed: 0 };
    await probeDataLookahead(tf, input);
    const before = tf.memory().numTensors;
    const d = await probeDataLookahead(tf, input);
    expect(tf.memory().numTensors).toBe(before);
    expect(d[0][1]).not.toBeNull();
    expect(d[1][0]).toBeNull();
    expect(d[0][0]).toBeNull();
    network.dispose();
    data.dispose();
  });
});
