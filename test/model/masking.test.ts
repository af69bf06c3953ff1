// An unlabelled or masked (compound, task) pair must add nothing to the loss or its gradient.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, MultiTaskNetwork, TaskData, type LoadedBackend } from '../../lib/model/index.ts';
import type { LabelMatrix } from '../../lib/types.ts';
import { plantedData } from './synthetic.ts';

let loaded: LoadedBackend;
beforeAll(async () => {
  loaded = await loadBackend();
});

const data = plantedData({ n: 12, dim: 16, tasks: 3, seed: 3 });
const rows = Int32Array.from({ length: 12 }, (_, i) => i);
const allRows = (labels: LabelMatrix) =>
  Object.fromEntries(labels.tasks.map((t, k) => [t, rows.filter((r) => labels.labels[r * 3 + k] >= 0)]));

/** Loss and gradients of a fixed-seed network (dropout off) on all 12 rows. */
function gradients(labels: LabelMatrix, trainRows: Record<string, Int32Array>, features = data.features) {
  const tf = loaded.tf;
  const taskData = new TaskData(tf, features, labels, data.tasks, trainRows, { sparseInput: false });
  const net = new MultiTaskNetwork(tf, { inputDim: 16, hidden: [8], tasks: data.tasks, dropout: 0, learningRate: 0.01, seed: 11 });
  const batch = taskData.batch(rows);
  const { value, grads } = tf.variableGrads(() => net.loss(batch), net.variables);
  const out = {
    loss: value.dataSync()[0],
    grads: net.variables.map((v) => Array.from(grads[v.name].dataSync())),
    taskLosses: net.taskLosses(batch).map((s) => s.dataSync()[0]),
  };
  tf.dispose([value, ...Object.values(grads)]);
  batch.dispose();
  net.dispose();
  taskData.dispose();
  return out;
}

function withLabel(labels: LabelMatrix, r: number, k: number, v: number): LabelMatrix {
  const copy = Int8Array.from(labels.labels);
  copy[r * 3 + k] = v;
  return { ...labels, labels: copy };
}

describe('masked binary cross-entropy', () => {
  it('ignores a pair outside the training mask, whatever its label', () => {
    const base = withLabel(data.labels, 4, 1, -1);
    const trainRows = allRows(base); // row 4 does not train task 1
    const reference = gradients(base, trainRows);
    for (const label of [0, 1]) {
      const other = gradients(withLabel(data.labels, 4, 1, label), trainRows);
      expect(other.grads).toEqual(reference.grads);
      expect(other.loss).toBe(reference.loss);
    }
    // control: admitting the pair does change the gradient
    const admitted = gradients(withLabel(data.labels, 4, 1, 1), allRows(withLabel(data.labels, 4, 1, 1)));
    expect(admitted.grads).not.toEqual(reference.grads);
  });

  it('ignores the features of a row with no admitted label', () => {
    const labels = { ...data.labels, labels: Int8Array.from(data.labels.labels) };
    for (let k = 0; k < 3; k++) labels.labels[5 * 3 + k] = -1;
    const trainRows = allRows(labels);
    const reference = gradients(labels, trainRows);
    const changed = { ...data.features, indices: Int32Array.from(data.features.indices) };
    for (let p = changed.offsets[5]; p < changed.offsets[6]; p++) changed.indices[p] = (changed.indices[p] + 7) % 16;
    expect(gradients(labels, trainRows, changed).grads).toEqual(reference.grads);
    // control: with a label, the same feature change shows in the gradient
    const labelled = withLabel(labels, 5, 0, 1);
    expect(gradients(labelled, allRows(labelled), changed).grads).not.toEqual(gradients(labelled, allRows(labelled)).grads);
  });

  it('normalises the loss by the number of admitted pairs and each task loss by its own count', () => {
    const tf = loaded.tf;
    const labels = data.labels;
    const taskData = new TaskData(tf, data.features, labels, data.tasks, allRows(labels), { sparseInput: false });
    const net = new MultiTaskNetwork(tf, { inputDim: 16, hidden: [8], tasks: data.tasks, dropout: 0, learningRate: 0.01, seed: 11 });
    const batch = taskData.batch(rows);
    const p = net.predict(batch).dataSync();
    let total = 0;
    let count = 0;
    const perTask = [0, 0, 0];
    const perCount = [0, 0, 0];
    for (let r = 0; r < 12; r++) {
      for (let k = 0; k < 3; k++) {
        const y = labels.labels[r * 3 + k];
        const l = -(y === 1 ? Math.log(p[r * 3 + k]) : Math.log(1 - p[r * 3 + k]));
        total += l;
        count++;
        perTask[k] += l;
        perCount[k]++;
      }
    }
    expect(net.loss(batch, { training: false }).dataSync()[0]).toBeCloseTo(total / count, 5);
    net.taskLosses(batch).forEach((s, k) => expect(s.dataSync()[0]).toBeCloseTo(perTask[k] / perCount[k], 5));
    expect(net.labelledTasks(batch)).toEqual([true, true, true]);
    const none = taskData.batch(rows, new Float32Array(36));
    expect(net.loss(none).dataSync()[0]).toBe(0);
    expect(net.labelledTasks(none)).toEqual([false, false, false]);
    tf.dispose([batch, none].flatMap((b) => [b.x!, b.y, b.mask, b.rowIndex]));
    net.dispose();
    taskData.dispose();
  });
});
