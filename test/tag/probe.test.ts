import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type Tf } from '../../lib/model/backend.ts';
import { probeAffinities, probeAffinity } from '../../lib/tag/probe.ts';
import { fromTfOptimizer } from '../../lib/tag/optimizer.ts';
import { tinyModel, type TinyBatch } from './tiny-model.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadBackend('cpu')).tf;
});

// The hand-computed case: one input, a 1-unit linear trunk h = w·x, heads logit_i = a_i·h.
const X = [1, -2, 1];
const Y1 = [1, 0, 0];
const Y2 = [0, 1, null]; // task 2 is not measured on row 3
const batch: TinyBatch = { x: X.map((x) => [x]), y: X.map((_, r) => [Y1[r], Y2[r]]) };

// Double-precision reference for the same model (used for the Adam case, where the step depends on state).
const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
function loss(w: number, a: number, ys: (number | null)[]): number {
  let total = 0;
  let n = 0;
  ys.forEach((y, r) => {
    if (y === null) return;
    const p = sigmoid(a * w * X[r]);
    total += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    n++;
  });
  return total / n;
}
function grad(w: number, a: number, ys: (number | null)[]): number {
  let total = 0;
  let n = 0;
  ys.forEach((y, r) => {
    if (y === null) return;
    total += (sigmoid(a * w * X[r]) - y) * a * X[r];
    n++;
  });
  return total / n;
}

describe('probeAffinity', () => {
  it('matches the hand-computed two-task case with plain SGD', async () => {
    // w = 0.5, a1 = 1, a2 = −2, SGD η = 0.5.
    // Task 1 logits a1·w·x = (0.5, −1, 0.5) → p = (0.622459, 0.268941, 0.622459), labels (1, 0, 0):
    //   L1 = [−ln 0.622459 − ln(1−0.268941) − ln(1−0.622459)] / 3 = (0.474077 + 0.313262 + 0.974077)/3 = 0.587139
    //   dL1/dw = Σ (p−y)·a1·x / 3 = [(−0.377541)(1) + (0.268941)(−2) + (0.622459)(1)] / 3 = −0.097655
    // Task 2 logits a2·w·x = (−1, 2) → p = (0.268941, 0.880797), labels (0, 1) (row 3 unlabelled):
    //   L2 = [−ln(1−0.268941) − ln 0.880797] / 2 = (0.313262 + 0.126928)/2 = 0.220095
    //   dL2/dw = [(0.268941)(−2)(1) + (−0.119203)(−2)(−2)] / 2 = (−0.537883 − 0.476811)/2 = −0.507347
    // Step on L1: w' = 0.5 − 0.5·(−0.097655) = 0.548827
    //   task 2 logits −2·0.548827·(1, −2) = (−1.097655, 2.195309) → L2' = [ln(1+e^−1.097655) ... ] = 0.196737
    //   Z_{1→2} = 1 − 0.196737/0.220095 = 0.106127
    // Step on L2: w' = 0.5 − 0.5·(−0.507347) = 0.753674
    //   task 1 logits 0.753674·(1, −2, 1) → L1' = 0.575046
    //   Z_{2→1} = 1 − 0.575046/0.587139 = 0.020596
    const model = tinyModel(tf, ['t1', 't2'], [[0.5]], [[1], [-2]]);
    const optimizer = tf.train.sgd(0.5);
    const z = await probeAffinity(tf, model, fromTfOptimizer(optimizer, model.variables), batch);
    expect(z[0][1]).toBeCloseTo(0.10612687359084094, 6);
    expect(z[1][0]).toBeCloseTo(0.02059551482070965, 6);
    expect(z[0][0]).toBeNull();
    expect(z[1][1]).toBeNull();
    // The trunk is back where it was.
    expect(Array.from(model.trunkWeights.dataSync())).toEqual([0.5]);
    expect(optimizer.iterations).toBe(0);
  });

  it("takes Adam's own step (moments and bias correction of the running optimizer), whatever the variable order", async () => {
    // Heads first in the optimizer's variable list: Adam pairs slots with variables by position.
    const model = tinyModel(tf, ['t1', 't2'], [[0.5]], [[1], [-2]], true);
    const lr = 0.1;
    const optimizer = tf.train.adam(lr, 0.9, 0.999);
    for (let s = 0; s < 3; s++) optimizer.minimize(() => model.totalLoss(batch), false, [...model.variables]);

    const w = model.trunkWeights.dataSync()[0];
    const a1 = model.heads[0].dataSync()[0];
    const a2 = model.heads[1].dataSync()[0];
    const slots = await optimizer.getWeights();
    const slot = (suffix: string) => slots.find((s) => s.name === `${model.trunkWeights.name}/${suffix}`)!.tensor.dataSync()[0];
    const m = slot('m');
    const v = slot('v');
    const eps = tf.backend().epsilon();
    // Step t = 4 of Adam on the trunk alone: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
    // w' = w − lr · (m'/(1−β1⁴)) / (√(v'/(1−β2⁴)) + ε).
    const adamStep = (g: number) => {
      const m2 = 0.9 * m + 0.1 * g;
      const v2 = 0.999 * v + 0.001 * g * g;
      return w - (lr * (m2 / (1 - 0.9 ** 4))) / (Math.sqrt(v2 / (1 - 0.999 ** 4)) + eps);
    };
    const z12 = 1 - loss(adamStep(grad(w, a1, Y1)), a2, Y2) / loss(w, a2, Y2);
    const z21 = 1 - loss(adamStep(grad(w, a2, Y2)), a1, Y1) / loss(w, a1, Y1);

    const z = await probeAffinity(tf, model, fromTfOptimizer(optimizer, model.variables), batch);
    expect(z[0][1]).toBeCloseTo(z12, 5);
    expect(z[1][0]).toBeCloseTo(z21, 5);
    // Sanity: with fresh moments the same step would differ, so the state really was used.
    const freshStep = (g: number) => w - lr * Math.sign(g);
    expect(Math.abs(1 - loss(freshStep(grad(w, a1, Y1)), a2, Y2) / loss(w, a2, Y2) - z12)).toBeGreaterThan(1e-3);
    expect(model.trunkWeights.dataSync()[0]).toBe(w);
    expect(model.heads[0].dataSync()[0]).toBe(a1);
    expect(optimizer.iterations).toBe(3);
  });

  it('leaves pairs undefined where a task has no label in the batch', async () => {
    const model = tinyModel(tf, ['t1', 't2', 't3'], [[0.5]], [[1], [-2], [0.7]]);
    const z = await probeAffinity(tf, model, fromTfOptimizer(tf.train.sgd(0.5), model.variables), {
      x: batch.x,
      y: batch.y.map((r) => [...r, null]),
    });
    expect(z[0][1]).toBeCloseTo(0.10612687359084094, 6);
    expect(z[0][2]).toBeNull();
    expect(z[2][0]).toBeNull();
    expect(z[2][1]).toBeNull();
  });

  it('restores trunk and optimizer state exactly: Adam training with and without probes ends bit-identical', async () => {
    const rows: TinyBatch[] = [0, 1, 2, 3].map((s) => ({
      x: [[1 + s, -1], [-2, 0.5 * s], [0.3, 1]],
      y: [[1, 0], [0, s % 2 ? null : 1], [s % 2, 1]],
    }));
    const train = async (probe: boolean) => {
      const model = tinyModel(tf, ['t1', 't2'], [[0.4, -0.2], [0.1, 0.3]], [[1, 0.5], [-0.7, 0.2]]);
      const optimizer = tf.train.adam(0.05);
      for (let step = 0; step < 40; step++) {
        const b = rows[step % rows.length];
        // Probe before the very first step too: slots created lazily by the probe must vanish on restore.
        if (probe && step % 3 === 0) await probeAffinity(tf, model, fromTfOptimizer(optimizer, model.variables), b);
        optimizer.minimize(() => model.totalLoss(b), false, [...model.variables]);
      }
      const weights = model.variables.map((v) => Array.from(v.dataSync()));
      const slots = (await optimizer.getWeights()).map((s) => Array.from(s.tensor.dataSync()));
      return { weights, slots, iterations: optimizer.iterations };
    };
    const plain = await train(false);
    const probed = await train(true);
    expect(probed.weights).toEqual(plain.weights);
    expect(probed.slots).toEqual(plain.slots);
    expect(probed.iterations).toBe(40);
  });

  it('does not leak tensors', async () => {
    const model = tinyModel(tf, ['t1', 't2'], [[0.5]], [[1], [-2]]);
    const optimizer = tf.train.adam(0.1);
    optimizer.minimize(() => model.totalLoss(batch), false, [...model.variables]);
    await probeAffinity(tf, model, fromTfOptimizer(optimizer, model.variables), batch);
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) await probeAffinity(tf, model, fromTfOptimizer(optimizer, model.variables), batch);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('probeAffinities: the held-out variant', () => {
  it('takes the step on the batch and reads L_j on another batch (hand-computed)', async () => {
    // Same step on L1 as above: w' = 0.5 − 0.5·(−0.0976547) = 0.548827. Held-out batch: one row x = 2 with task-2
    // label 0: L2 = −ln(1 − σ(−2·w·2)) = 0.126928 before, 0.105552 after: Z_{1→2} = 1 − 0.105552/0.126928 = 0.168409.
    // Task 1 is unlabelled there, so Z_{2→1} is undefined on it.
    const model = tinyModel(tf, ['t1', 't2'], [[0.5]], [[1], [-2]]);
    const optimizer = fromTfOptimizer(tf.train.sgd(0.5), model.variables);
    const heldOut: TinyBatch = { x: [[2]], y: [[null, 0]] };
    const [onBatch, onHeldOut] = await probeAffinities(tf, model, optimizer, batch, [batch, heldOut]);
    expect(onBatch[0][1]).toBeCloseTo(0.10612687359084094, 6); // the faithful variant, unchanged
    expect(onHeldOut[0][1]).toBeCloseTo(0.168409, 5);
    expect(onHeldOut[1][0]).toBeNull();
  });
});
