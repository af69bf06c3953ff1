import { describe, expect, it } from 'vitest';
import { Adam, loadBackend, MultiTaskNetwork, TaskData } from '../../lib/model/index.ts';
import { plantedData } from './synthetic.ts';

describe('Adam', () => {
  it('matches a hand computation of two PyTorch-form steps', async () => {
    const { tf } = await loadBackend();
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'adam-test/w');
    const adam = new Adam(tf, [w], { learningRate: 0.1 });
    const g1 = [0.5, -0.1];
    const g2 = [-0.3, 0.2];
    adam.applyGradients({ [w.name]: tf.tensor1d(g1) });
    adam.applyGradients({ [w.name]: tf.tensor1d(g2) });
    // by hand, β1 = 0.9, β2 = 0.999, ε = 1e-8
    const expected = [1, -2].map((w0, i) => {
      let m = 0.1 * g1[i];
      let v = 0.001 * g1[i] ** 2;
      let x = w0 - (0.1 * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-8);
      m = 0.9 * m + 0.1 * g2[i];
      v = 0.999 * v + 0.001 * g2[i] ** 2;
      x -= (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
      return x;
    });
    const got = Array.from(w.dataSync());
    expect(got[0]).toBeCloseTo(expected[0], 5);
    expect(got[1]).toBeCloseTo(expected[1], 5);
    expect(adam.iterations).toBe(2);
    w.dispose();
    adam.dispose();
  });

  it('restores variables and optimizer state exactly (snapshot → steps → restore → same steps)', async () => {
    const { tf } = await loadBackend();
    const data = plantedData({ n: 40, dim: 16, tasks: 2 });
    const rows = Int32Array.from({ length: 40 }, (_, i) => i);
    const taskData = new TaskData(tf, data.features, data.labels, data.tasks, { T0: rows, T1: rows }, { sparseInput: false });
    const net = new MultiTaskNetwork(tf, { inputDim: 16, hidden: [8], tasks: data.tasks, dropout: 0, learningRate: 0.05, seed: 2 });
    const batchA = taskData.batch(rows.subarray(0, 20));
    const batchB = taskData.batch(rows.subarray(20));
    net.trainStep(batchA);
    const snap = net.snapshot();
    net.trainStep(batchB);
    net.trainStep(batchA);
    const first = net.variables.map((v) => Array.from(v.dataSync()));
    net.restore(snap);
    net.trainStep(batchB);
    net.trainStep(batchA);
    const second = net.variables.map((v) => Array.from(v.dataSync()));
    expect(second).toEqual(first);
    net.restore(snap);
    expect(net.optimizer.iterations).toBe(1);
    net.disposeSnapshot(snap);
    batchA.dispose();
    batchB.dispose();
    net.dispose();
    taskData.dispose();
  });
});

describe('Adam inside tf.tidy', () => {
  it('keeps its moments alive when a caller steps inside a tidy scope', async () => {
    const { tf } = await loadBackend();
    const w = tf.variable(tf.tensor1d([1, 2, 3, 4, 5]), true, 'adam-tidy/w');
    const adam = new Adam(tf, [w], { learningRate: 0.1 });
    tf.tidy(() => adam.applyGradients({ [w.name]: tf.tensor1d([1, -1, 1, -1, 1]) }));
    tf.tidy(() => adam.applyGradients({ [w.name]: tf.tensor1d([1, -1, 1, -1, 1]) }));
    const state = adam.getState();
    expect(Array.from(state.moments.get(w.name)!.m.dataSync())[0]).toBeCloseTo(0.19, 6);
    adam.disposeState(state);
    w.dispose();
    adam.dispose();
  });
});
