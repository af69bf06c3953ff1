import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateLoss, fit, loadBackend, MultiTaskNetwork, TaskData, trainPoint, unionRows, type LoadedBackend } from '../../lib/model/index.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { ComputationError } from '../../lib/errors.ts';
import type { ModelConfig } from '../../lib/config.ts';
import { plantedData, simpleSplit } from './synthetic.ts';

let backend: LoadedBackend;
beforeAll(async () => {
  backend = await loadBackend();
});

const model: ModelConfig = { hidden: [32], dropout: 0.1, epochs: 25, batchSize: 32, learningRate: 0.01 };
const data = plantedData({ n: 500, dim: 48, tasks: 3, missing: 0.2 });
const split = simpleSplit(data, 380);

describe('trainPoint', () => {
  it('learns planted signal for every task (multi-task) and records the backend', async () => {
    const r = await trainPoint({ ...data, ...split, model, seed: 1, backend });
    for (const t of data.tasks) {
      expect(r.metrics[t].auroc).toBeGreaterThan(0.9);
      expect(r.metrics[t].nTrain).toBe(split.trainRows[t].length);
      expect(r.metrics[t].nTest).toBeGreaterThan(60);
    }
    expect(r.backend).toBe(backend.backend);
    expect(r.device).toBe(backend.device);
    expect(r.epochsRun).toBe(25);
  });

  it('is the single-task learner with K = 1', async () => {
    const r = await trainPoint({ ...data, ...split, tasks: ['T2'], model, seed: 1, backend });
    expect(Object.keys(r.metrics)).toEqual(['T2']);
    expect(r.metrics.T2.auroc).toBeGreaterThan(0.9);
  });

  it('is reproducible from its seed', async () => {
    const small = { ...model, epochs: 3 };
    const a = await trainPoint({ ...data, ...split, model: small, seed: 5, backend });
    const b = await trainPoint({ ...data, ...split, model: small, seed: 5, backend });
    const c = await trainPoint({ ...data, ...split, model: small, seed: 6, backend });
    expect(b.metrics).toEqual(a.metrics);
    expect(c.metrics).not.toEqual(a.metrics);
  });

  it('masks each (row, task) label individually: a row training T0 only does not teach T1 its label', async () => {
    const small = { ...model, epochs: 3 };
    const K = 3;
    const r = split.trainRows.T0[0];
    const trainRows = { ...split.trainRows, T1: split.trainRows.T1.filter((x) => x !== r) };
    const flipped = Int8Array.from(data.labels.labels);
    flipped[r * K + 1] = data.labels.labels[r * K + 1] === 1 ? 0 : 1;
    const a = await trainPoint({ ...data, ...split, trainRows, model: small, seed: 3, backend });
    const b = await trainPoint({ ...data, labels: { ...data.labels, labels: flipped }, ...split, trainRows, model: small, seed: 3, backend });
    expect(b.metrics).toEqual(a.metrics);
    // control: when the row does train T1, the flipped label changes the result
    const c = await trainPoint({ ...data, ...split, model: small, seed: 3, backend });
    const d = await trainPoint({ ...data, labels: { ...data.labels, labels: flipped }, ...split, model: small, seed: 3, backend });
    expect(d.metrics).not.toEqual(c.metrics);
  });

  it('calls the hooks at every step and epoch, and stops early on a validation slice', async () => {
    let steps = 0;
    const epochs: number[] = [];
    const r = await trainPoint({
      ...data,
      ...split,
      model: { ...model, epochs: 60, learningRate: 0.05, earlyStopping: { fraction: 0.2, patience: 2 } },
      seed: 2,
      backend,
      hooks: {
        onStep: (ctx) => {
          steps = ctx.step;
          expect(ctx.batch.rows.length).toBeLessThanOrEqual(32);
        },
        onEpochEnd: (ctx) => {
          epochs.push(ctx.epoch);
          expect(ctx.validationLoss).toBeGreaterThan(0);
        },
      },
    });
    expect(r.epochsRun).toBeLessThan(60);
    expect(epochs).toEqual(Array.from({ length: r.epochsRun }, (_, i) => i));
    const nTrainRows = new Set(Object.values(split.trainRows).flatMap((x) => [...x])).size;
    const nValidation = Math.round(0.2 * nTrainRows);
    expect(steps).toBe(r.epochsRun * Math.ceil((nTrainRows - nValidation) / 32));
    // stopped after a few epochs at a high learning rate: learned, if not fully
    expect(r.metrics.T0.auroc).toBeGreaterThan(0.75);
  });

  it('restores the weights of the epoch with the lowest validation loss', async () => {
    const tf = backend.tf;
    const trainRows = split.trainRows;
    const rows = unionRows(data.tasks, trainRows);
    const validation = rows.filter((_, i) => i % 5 === 0);
    const training = rows.filter((_, i) => i % 5 !== 0);
    const taskData = new TaskData(tf, data.features, data.labels, data.tasks, trainRows, { sparseInput: true });
    const net = new MultiTaskNetwork(tf, { inputDim: 48, hidden: [32], tasks: data.tasks, dropout: 0.1, learningRate: 0.05, seed: 9 });
    const result = await fit(tf, net, taskData, training, { epochs: 30, batchSize: 32, rng: createRng(4), validation: { rows: validation, patience: 3 } });
    expect(result.epochsRun).toBeLessThan(30);
    expect(result.validationLosses).toHaveLength(result.epochsRun);
    const best = Math.min(...result.validationLosses);
    expect(result.validationLosses.indexOf(best)).toBe(result.epochsRun - 1 - 3);
    expect(evaluateLoss(tf, net, taskData, validation)).toBeCloseTo(best, 6);
    net.dispose();
    taskData.dispose();
  });

  it('refuses a test row that is also a training row', async () => {
    const testRows = Int32Array.from([split.trainRows.T1[3], ...split.testRows]);
    await expect(trainPoint({ ...data, ...split, testRows, model, seed: 1, backend })).rejects.toThrow(ComputationError);
    await expect(trainPoint({ ...data, ...split, testRows, model, seed: 1, backend })).rejects.toThrow(/row \d+ is both a training row of task 'T\d' and a test row/);
  });

  it('reports a one-class test set as undefined AUROC', async () => {
    const K = 3;
    const positives = split.testRows.filter((r) => data.labels.labels[r * K] === 1);
    const r = await trainPoint({ ...data, ...split, testRows: positives, tasks: ['T0'], model: { ...model, epochs: 1 }, seed: 1, backend });
    expect(r.metrics.T0.auroc).toBeNull();
    expect(r.metrics.T0.nTestPositive).toBe(r.metrics.T0.nTest);
  });
});
