import { beforeAll, describe, expect, it } from 'vitest';
import { fit, loadBackend, MultiTaskNetwork, TaskData, trainPoint, unionRows, type LoadedBackend } from '../../lib/model/index.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { ComputationError } from '../../lib/errors.ts';
import type { ModelConfig } from '../../lib/config.ts';
import { plantedData, simpleSplit } from './synthetic.ts';

let backend: LoadedBackend;
beforeAll(async () => {
  backend = await loadBackend();
});

const model: ModelConfig = { hidden: [32], dropout: 0.1, batchSize: 32, learningRate: 0.01, maxSteps: 300, evalEvery: 10, patience: 5, minImprovement: 0.001 };
const data = plantedData({ n: 500, dim: 48, tasks: 3, missing: 0.2 });
const split = simpleSplit(data, 380, 60);
const noValidation = { ...split, validationRows: new Int32Array(0) };

describe('trainPoint', () => {
  it('learns planted signal for every task (multi-task), stops early, and records the backend', async () => {
    // A budget the run does not reach: patience ends it.
    const r = await trainPoint({ ...data, ...split, model: { ...model, maxSteps: 2000 }, seed: 1, backend });
    for (const t of data.tasks) {
      expect(r.metrics[t].auroc).toBeGreaterThan(0.9);
      expect(r.metrics[t].nTrain).toBe(split.trainRows[t].length);
      expect(r.metrics[t].nTest).toBeGreaterThan(60);
      expect(r.bestSteps[t] % model.evalEvery).toBe(0);
      expect(r.bestSteps[t]).toBeLessThanOrEqual(r.steps);
    }
    // Patience: the run ends `patience` checks after the last one that improved some task.
    expect(r.stoppedEarly).toBe(true);
    expect(r.steps).toBe(Math.max(...Object.values(r.bestSteps)) + model.patience * model.evalEvery);
    expect(r.backend).toBe(backend.backend);
    expect(r.device).toBe(backend.device);
  });

  it('reads each task at its own best check: the same as a run that ends at that step', async () => {
    const r = await trainPoint({ ...data, ...split, model, seed: 4, backend });
    for (const t of ['T0', 'T2']) {
      const alone = await trainPoint({ ...data, ...noValidation, model: { ...model, maxSteps: r.bestSteps[t] }, seed: 4, backend });
      expect(alone.steps).toBe(r.bestSteps[t]);
      expect(r.metrics[t]).toEqual(alone.metrics[t]);
    }
  });

  it('trains the whole step budget without validation rows, whatever the number of rows', async () => {
    const budget = { ...model, maxSteps: 25 };
    const few = { ...noValidation, trainRows: Object.fromEntries(data.tasks.map((t) => [t, split.trainRows[t].subarray(0, 20)])) };
    const a = await trainPoint({ ...data, ...noValidation, model: budget, seed: 1, backend });
    const b = await trainPoint({ ...data, ...few, model: budget, seed: 1, backend });
    expect([a.steps, b.steps]).toEqual([25, 25]);
    expect([a.stoppedEarly, b.stoppedEarly]).toEqual([false, false]);
  });

  it('is the single-task learner with K = 1', async () => {
    const r = await trainPoint({ ...data, ...split, tasks: ['T2'], model, seed: 1, backend });
    expect(Object.keys(r.metrics)).toEqual(['T2']);
    // One task alone, 320 training rows (60 held for validation): measured 0.885.
    expect(r.metrics.T2.auroc).toBeGreaterThan(0.85);
  });

  it('is reproducible from its seed', async () => {
    const small = { ...model, maxSteps: 40 };
    const a = await trainPoint({ ...data, ...split, model: small, seed: 5, backend });
    const b = await trainPoint({ ...data, ...split, model: small, seed: 5, backend });
    const c = await trainPoint({ ...data, ...split, model: small, seed: 6, backend });
    expect(b.metrics).toEqual(a.metrics);
    expect(c.metrics).not.toEqual(a.metrics);
  });

  it('masks each (row, task) label individually: a row training T0 only does not teach T1 its label', async () => {
    const small = { ...model, maxSteps: 30 };
    const K = 3;
    const r = split.trainRows.T0[0];
    const trainRows = { ...split.trainRows, T1: split.trainRows.T1.filter((x) => x !== r) };
    const flipped = Int8Array.from(data.labels.labels);
    flipped[r * K + 1] = data.labels.labels[r * K + 1] === 1 ? 0 : 1;
    const a = await trainPoint({ ...data, ...noValidation, trainRows, model: small, seed: 3, backend });
    const b = await trainPoint({ ...data, labels: { ...data.labels, labels: flipped }, ...noValidation, trainRows, model: small, seed: 3, backend });
    expect(b.metrics).toEqual(a.metrics);
    // control: when the row does train T1, the flipped label changes the result
    const c = await trainPoint({ ...data, ...noValidation, model: small, seed: 3, backend });
    const d = await trainPoint({ ...data, labels: { ...data.labels, labels: flipped }, ...noValidation, model: small, seed: 3, backend });
    expect(d.metrics).not.toEqual(c.metrics);
  });

  it('calls the hooks at every step and after every pass over the rows', async () => {
    let steps = 0;
    const epochs: number[] = [];
    const r = await trainPoint({
      ...data,
      ...noValidation,
      model: { ...model, maxSteps: 50 },
      seed: 2,
      backend,
      hooks: {
        onStep: (ctx) => {
          steps = ctx.step;
          expect(ctx.batch.rows.length).toBeLessThanOrEqual(32);
        },
        onEpochEnd: (ctx) => {
          epochs.push(ctx.epoch);
          expect(ctx.step).toBe((ctx.epoch + 1) * Math.ceil(ctx.trainRows.length / 32));
        },
      },
    });
    expect(steps).toBe(50);
    expect(r.steps).toBe(50);
    const passes = Math.floor(50 / Math.ceil(unionRows(data.tasks, split.trainRows).length / 32));
    expect(epochs).toEqual(Array.from({ length: passes }, (_, i) => i));
  });

  it('refuses a test or validation row that is also a training row', async () => {
    const testRows = Int32Array.from([split.trainRows.T1[3], ...split.testRows]);
    await expect(trainPoint({ ...data, ...split, testRows, model, seed: 1, backend })).rejects.toThrow(ComputationError);
    await expect(trainPoint({ ...data, ...split, testRows, model, seed: 1, backend })).rejects.toThrow(/row \d+ is both a training row of task 'T\d' and a test or validation row/);
    const validationRows = Int32Array.from([split.trainRows.T0[0]]);
    await expect(trainPoint({ ...data, ...split, validationRows, model, seed: 1, backend })).rejects.toThrow(/test or validation row/);
  });

  it('reports a one-class test set as undefined AUROC', async () => {
    const K = 3;
    const positives = split.testRows.filter((r) => data.labels.labels[r * K] === 1);
    const r = await trainPoint({ ...data, ...split, testRows: positives, tasks: ['T0'], model: { ...model, maxSteps: 1 }, seed: 1, backend });
    expect(r.metrics.T0.auroc).toBeNull();
    expect(r.metrics.T0.nTestPositive).toBe(r.metrics.T0.nTest);
  });
});

describe('fit (the loop)', () => {
  const tf = () => backend.tf;
  const setup = () => {
    const taskData = new TaskData(tf(), data.features, data.labels, data.tasks, split.trainRows, { sparseInput: true });
    const net = new MultiTaskNetwork(tf(), { inputDim: 48, hidden: [16], tasks: data.tasks, dropout: 0, learningRate: 0.01, seed: 9 });
    return { taskData, net, rows: unionRows(data.tasks, split.trainRows) };
  };

  it('checks every evalEvery steps and stops after `patience` checks in a row without improvement', async () => {
    const { taskData, net, rows } = setup();
    const checks: number[] = [];
    const result = await fit(tf(), net, taskData, rows, {
      batchSize: 32,
      rng: createRng(4),
      stopping: { maxSteps: 1000, evalEvery: 7, patience: 3 },
      check: (step) => {
        checks.push(step);
        return checks.length <= 4; // the first four checks improve
      },
    });
    expect(checks).toEqual([7, 14, 21, 28, 35, 42, 49]);
    expect(result).toEqual({ steps: 49, stoppedEarly: true });
    net.dispose();
    taskData.dispose();
  });

  it('checks the last step when the budget does not fall on a check', async () => {
    const { taskData, net, rows } = setup();
    const checks: number[] = [];
    const result = await fit(tf(), net, taskData, rows, {
      batchSize: 32,
      rng: createRng(4),
      stopping: { maxSteps: 23, evalEvery: 10, patience: 5 },
      check: (step) => (checks.push(step), true),
    });
    expect(checks).toEqual([10, 20, 23]);
    expect(result).toEqual({ steps: 23, stoppedEarly: false });
    net.dispose();
    taskData.dispose();
  });
});
