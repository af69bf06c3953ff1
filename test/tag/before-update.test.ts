// TAG's recorder probes each step before the real update of that step (Fifty et al. 2021): the probe's "before"
// losses are the batch's losses under θ^t, not yet trained on, and its lookahead starts from the optimizer state
// of step t − 1. Training with the recorder on stays bit-identical to training without it.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../lib/model/backend.ts';
import { TaskData } from '../../lib/model/data.ts';
import { createNetwork } from '../../lib/model/create.ts';
import { fit, type TrainingHooks } from '../../lib/model/train.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { parseRunConfig } from '../../lib/config.ts';
import { PairwiseMean, combineHooks, createTagRecorder, networkTagModel, probeAffinity } from '../../lib/tag/index.ts';
import { plantedProblem } from './planted.ts';

let backend: LoadedBackend;
beforeAll(async () => {
  backend = await loadBackend('cpu');
});

const problem = plantedProblem({ compounds: 320, dim: 12, groups: { A: 0, B: 0, C: 1 }, density: 0.6, noise: 0.3, seed: 21 });
const tasks = ['A', 'B', 'C'];
const trainRows = Object.fromEntries(tasks.map((t) => [t, problem.rowsOf[t]]));
const rows = Int32Array.from(new Set(tasks.flatMap((t) => [...trainRows[t]]))).sort();
const model = parseRunConfig({ model: { hidden: [16], dropout: 0.2, batchSize: 32, learningRate: 0.01 } }).model;
// Two passes over the rows, no validation checks.
const stopping = { maxSteps: 2 * Math.ceil(rows.length / 32), evalEvery: 1000, patience: 1 };

function setup() {
  const tf = backend.tf;
  const data = new TaskData(tf, problem.features, problem.labels, tasks, trainRows, { sparseInput: false });
  const network = createNetwork(backend, data, model, 5);
  return { tf, data, network };
}

describe('TAG recorder timing', () => {
  it("probes step t before its update: 'before' losses of the untrained batch, Adam at iteration t − 1", async () => {
    const every = 3;
    const { tf, data, network } = setup();
    const recorder = createTagRecorder(tf, { every });

    // Every per-task loss evaluation the recorder's probe makes, tagged with the step it probes and the
    // optimizer's iteration count at that moment (the first one of a probe is its "before" loss).
    let probing: number | null = null;
    const calls: { step: number; iterations: number; losses: number[] }[] = [];
    const original = network.taskLosses.bind(network);
    vi.spyOn(network, 'taskLosses').mockImplementation((batch, options) => {
      const out = original(batch, options);
      if (probing !== null) calls.push({ step: probing, iterations: network.optimizer.iterations, losses: out.map((s) => s.dataSync()[0]) });
      return out;
    });

    // Independent references, outside the recorder: the batch's losses just before and just after the update,
    // and the same probe taken before the update and after it.
    const lossesBefore = new Map<number, number[]>();
    const lossesAfter = new Map<number, number[]>();
    const zBefore = new PairwiseMean(tasks);
    const zAfter = new PairwiseMean(tasks);
    const taskLossValues = (batch: Parameters<typeof network.taskLossVector>[0]) =>
      tf.tidy(() => Array.from(network.taskLossVector(batch).dataSync()));
    const reference: TrainingHooks = {
      async beforeStep(ctx) {
        if (ctx.step % every !== 0) return;
        lossesBefore.set(ctx.step, taskLossValues(ctx.batch));
        zBefore.add(await probeAffinity(tf, networkTagModel(ctx.model), ctx.optimizer, ctx.batch));
        probing = ctx.step; // the recorder's hook runs next
      },
      async onStep(ctx) {
        probing = null;
        if (ctx.step % every !== 0) return;
        lossesAfter.set(ctx.step, taskLossValues(ctx.batch));
        zAfter.add(await probeAffinity(tf, networkTagModel(ctx.model), ctx.optimizer, ctx.batch));
      },
    };
    const result = await fit(tf, network, data, rows, {
      stopping,
      batchSize: model.batchSize,
      rng: createRng(9),
      hooks: combineHooks(reference, recorder.hooks),
    });

    const probed = Array.from({ length: Math.floor(result.steps / every) }, (_, i) => every * (i + 1));
    expect(probed.length).toBeGreaterThanOrEqual(5);
    expect(recorder.result().steps).toBe(probed.length);
    for (const t of probed) {
      const first = calls.find((c) => c.step === t);
      expect(first).toBeDefined();
      // The optimizer has taken t − 1 steps: the real update of step t is still to come.
      expect(first!.iterations).toBe(t - 1);
      // The probe's reference loss is the batch's loss computed before the step ...
      expect(first!.losses).toEqual(lossesBefore.get(t));
      // ... which the update then changes (so the check above tells the two moments apart).
      expect(lossesAfter.get(t)).not.toEqual(lossesBefore.get(t));
      // Inside the probe the lookahead advances the optimizer by exactly one step (to t), never beyond.
      expect(calls.filter((c) => c.step === t).every((c) => c.iterations === t - 1 || c.iterations === t)).toBe(true);
    }
    // The recorder's affinities are exactly those of the probe taken before each update, not after it.
    expect(recorder.result().z).toEqual(zBefore.mean());
    expect(recorder.result().z).not.toEqual(zAfter.mean());
    network.dispose();
    data.dispose();
  });

  it('training with TAG on (probing every step, from the first) is bit-identical to training without it', async () => {
    const train = async (withTag: boolean) => {
      const { tf, data, network } = setup();
      const recorder = createTagRecorder(tf, { every: 1 });
      await fit(tf, network, data, rows, {
        stopping,
        batchSize: model.batchSize,
        rng: createRng(9),
        hooks: withTag ? recorder.hooks : undefined,
      });
      const weights = network.variables.map((v) => Array.from(v.dataSync()));
      const state = network.optimizer.getState();
      const moments = network.variables.map((v) => {
        const slot = state.moments.get(v.name)!;
        return [Array.from(slot.m.dataSync()), Array.from(slot.v.dataSync())];
      });
      network.optimizer.disposeState(state);
      const out = { weights, moments, iterations: network.optimizer.iterations, dropoutDraw: network.dropoutRng.next(), probes: recorder.result().steps };
      network.dispose();
      data.dispose();
      return out;
    };
    const plain = await train(false);
    const probed = await train(true);
    expect(probed.probes).toBe(plain.iterations);
    expect(probed.iterations).toBe(plain.iterations);
    expect(probed.weights).toEqual(plain.weights);
    expect(probed.moments).toEqual(plain.moments);
    // The probes drew nothing from the run's dropout stream.
    expect(probed.dropoutDraw).toBe(plain.dropoutDraw);
  });
});
