// The benchmark's data: KIBA top-8 targets (score ≥ 12.1), ECFP 2048, 5 random compound folds, fold 0 held out,
// all training data — written once as flat binary files that the mtlc workers and the PyTorch peer both read.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseRunConfig } from '../lib/config.ts';
import { prepareDataset } from '../lib/data/index.ts';
import { assignFolds, testRows, trainingOrder } from '../lib/splits/index.ts';
import type { FeatureMatrix, FoldAssignment, LabelMatrix } from '../lib/types.ts';
import type { ModelConfig } from '../lib/config.ts';

export interface BenchData {
  features: Extract<FeatureMatrix, { kind: 'sparse' }>;
  labels: LabelMatrix;
  tasks: string[];
  /** Per task, its training rows in the nested (seeded) order: the first n are the training set at size n. */
  trainOrder: Record<string, Int32Array>;
  testRows: Int32Array;
  assignment: FoldAssignment;
}

export interface BenchMeta {
  nRows: number;
  dim: number;
  tasks: string[];
  hidden: number[];
  dropout: number;
  /** The throughput bench's fixed amount of work: passes over the training rows (both trainers). */
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export async function prepareBenchData(dataDir?: string): Promise<BenchData> {
  const config = parseRunConfig({ dataset: { name: 'kiba', ...(dataDir ? { dataDir } : {}) }, tasks: { top: 8 } });
  const prepared = await prepareDataset(config);
  if (prepared.features.kind !== 'sparse') throw new Error('bench expects ECFP (sparse) features');
  const assignment = await assignFolds(prepared.labels.compoundIds, prepared.smiles, 'random', 5, 0, { features: prepared.features });
  const trainOrder: Record<string, Int32Array> = {};
  for (const t of prepared.labels.tasks) trainOrder[t] = trainingOrder(prepared.labels, assignment, 0, 0, t);
  return { features: prepared.features, labels: prepared.labels, tasks: prepared.labels.tasks, trainOrder, testRows: testRows(assignment, 0), assignment };
}

function write(dir: string, name: string, a: ArrayBufferView): void {
  writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Writes the point (all training data of every task) for the peer and the workers. */
export function exportBenchData(dir: string, data: BenchData, model: ModelConfig, epochs: number): void {
  mkdirSync(dir, { recursive: true });
  const n = data.labels.compoundIds.length;
  const K = data.tasks.length;
  const y = new Float32Array(n * K);
  const observed = new Float32Array(n * K);
  const trainMask = new Float32Array(n * K);
  for (let i = 0; i < n * K; i++) {
    if (data.labels.labels[i] >= 0) {
      observed[i] = 1;
      y[i] = data.labels.labels[i];
    }
  }
  const union = new Set<number>();
  data.tasks.forEach((t, k) => {
    for (const r of data.trainOrder[t]) {
      trainMask[r * K + k] = 1;
      union.add(r);
    }
  });
  const meta: BenchMeta = { nRows: n, dim: data.features.dim, tasks: data.tasks, hidden: model.hidden, dropout: model.dropout, batchSize: model.batchSize, learningRate: model.learningRate, epochs };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  write(dir, 'offsets.i32', data.features.offsets);
  write(dir, 'indices.i32', data.features.indices);
  write(dir, 'labels.i8', data.labels.labels);
  write(dir, 'y.f32', y);
  write(dir, 'observed.f32', observed);
  write(dir, 'train_mask.f32', trainMask);
  write(dir, 'train_rows.i32', Int32Array.from([...union].sort((a, b) => a - b)));
  write(dir, 'test_rows.i32', data.testRows);
}

function read<T>(dir: string, name: string, make: (b: ArrayBuffer) => T): T {
  const bytes = readFileSync(path.join(dir, name));
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Reads an exported point back: features, labels, per-task training rows, test rows and the model settings. */
export function importBenchData(dir: string): { meta: BenchMeta; features: BenchData['features']; labels: LabelMatrix; trainRows: Record<string, Int32Array>; testRows: Int32Array } {
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as BenchMeta;
  const K = meta.tasks.length;
  const trainMask = read(dir, 'train_mask.f32', (b) => new Float32Array(b));
  const trainRows: Record<string, Int32Array> = {};
  meta.tasks.forEach((t, k) => {
    const rows: number[] = [];
    for (let r = 0; r < meta.nRows; r++) if (trainMask[r * K + k] > 0) rows.push(r);
    trainRows[t] = Int32Array.from(rows);
  });
  return {
    meta,
    features: { kind: 'sparse', dim: meta.dim, offsets: read(dir, 'offsets.i32', (b) => new Int32Array(b)), indices: read(dir, 'indices.i32', (b) => new Int32Array(b)) },
    labels: { compoundIds: Array.from({ length: meta.nRows }, (_, r) => String(r)), tasks: meta.tasks, labels: read(dir, 'labels.i8', (b) => new Int8Array(b)) },
    trainRows,
    testRows: read(dir, 'test_rows.i32', (b) => new Int32Array(b)),
  };
}
