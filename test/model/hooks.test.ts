// The training loop's step hooks: beforeStep sees each batch before its update, onStep after it, and a hook that
// steps and restores leaves the run bit-identical.
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, loadBackend, MultiTaskNetwork, TaskData, unionRows, type Batch, type LoadedBackend } from '../../lib/model/index.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { plantedData, simpleSplit } from './synthetic.ts';

let backend: LoadedBackend;
beforeAll(async () => {
  backend = await loadBackend();
});

const data = plantedData({ n: 200, dim: 32, tasks: 3, missing: 0.2, seed: 4 });
const split = simpleSplit(data, 160);

function setup() {
  const tf = backend.tf;
  const taskData = new TaskData(tf, data.features, data.labels, data.tasks, split.trainRows, { sparseInput: true });
  const net = new MultiTaskNetwork(tf, { inputDim: 32, hidden: [16], tasks: data.tasks, dropout: 0.2, learningRate: 0.02, seed: 3 });
  return { tf, taskData, net, rows: unionRows(data.tasks, split.trainRows) };
}

/** Every variable and the complete Adam state, as plain numbers. */
function state(net: MultiTaskNetwork) {
  const weights = net.variables.map((v) => Array.from(v.dataSync()));
  const s = net.optimizer.getState();
  // In variable order (names differ between networks: each gets its own prefix).
  const moments = net.variables.map((variable) => {
    const slot = s.moments.get(variable.name)!;
    return [Array.from(slot.m.dataSync()), Array.from(slot.v.dataSync())];
  });
  net.optimizer.disposeState(s);
  return { weights, moments, iterations: net.optimizer.iterations };
}

describe('fit step hooks', () => {
  it('calls beforeStep right before each update and onStep right after, with the same step index and batch', async () => {
    const { tf, taskData, net, rows } = setup();
    const events: { when: 'before' | 'on'; step: number; epoch: number; iterations: number; batch: Batch; loss: number }[] = [];
    const record = (when: 'before' | 'on') => (ctx: { step: number; epoch: number; batch: Batch }) => {
      const loss = tf.tidy(() => net.loss(ctx.batch, { training: false }).dataSync()[0]);
      events.push({ when, step: ctx.step, epoch: ctx.epoch, iterations: net.optimizer.iterations, batch: ctx.batch, loss });
    };
    const perEpoch = Math.ceil(rows.length / 32);
    const result = await fit(tf, net, taskData, rows, {
      stopping: { maxSteps: 2 * perEpoch, evalEvery: 1000, patience: 1 },
      batchSize: 32,
      rng: createRng(1),
      hooks: { beforeStep: record('before'), onStep: record('on') },
    });
    expect(result.steps).toBe(2 * perEpoch);
    expect(events).toHaveLength(2 * result.steps);
    for (let t = 1; t <= result.steps; t++) {
      const before = events[2 * (t - 1)];
      const after = events[2 * (t - 1) + 1];
      expect([before.when, before.step, before.iterations]).toEqual(['before', t, t - 1]);
      expect([after.when, after.step, after.iterations]).toEqual(['on', t, t]);
      expect(after.batch).toBe(before.batch);
      expect(before.epoch).toBe(Math.floor((t - 1) / perEpoch));
      // The update happened in between: the same batch's loss moved.
      expect(after.loss).not.toBe(before.loss);
    }
    net.dispose();
    taskData.dispose();
  });

  it('a beforeStep hook that takes an optimizer step and restores leaves training bit-identical', async () => {
    const train = async (probe: boolean) => {
      const { tf, taskData, net, rows } = setup();
      await fit(tf, net, taskData, rows, {
        stopping: { maxSteps: 2 * Math.ceil(rows.length / 32), evalEvery: 1000, patience: 1 },
        batchSize: 32,
        rng: createRng(1),
        hooks: probe
          ? {
              // From the very first step (Adam has no moments yet): moments it creates must vanish on restore.
              beforeStep: ({ batch, model, optimizer }) => {
                const snapshot = model.snapshot();
                tf.tidy(() => {
                  const { grads } = tf.variableGrads(() => model.taskLoss(batch, 0), model.trunkVariables);
                  optimizer.applyGradients(grads);
                });
                model.restore(snapshot);
                model.disposeSnapshot(snapshot);
              },
            }
          : undefined,
      });
      const out = state(net);
      net.dispose();
      taskData.dispose();
      return out;
    };
    const plain = await train(false);
    const probed = await train(true);
    expect(probed.iterations).toBe(plain.iterations);
    expect(probed.moments).toEqual(plain.moments);
    expect(probed.weights).toEqual(plain.weights);
  });
});
