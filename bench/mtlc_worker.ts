// One mtlc training of the exported bench point, timed like the PyTorch peer (the epoch loop only); prints JSON.
// usage: node bin/run-ts.js bench/mtlc_worker.ts DATA_DIR SEED [--backend node|wasm|cpu] [--dense]
//          [--no-kernels] [--no-matmul-fix] [--epochs N]
import { parseArgs } from 'node:util';
import { importBenchData } from './data.ts';
import { loadBackend, TaskData, createNetwork, fit, labelledColumn, predictRows, unionRows, type BackendPreference } from '../lib/model/index.ts';
import { createRng } from '../lib/stats/rng.ts';
import { MODEL_DEFAULTS } from '../lib/config.ts';
import { auroc } from '../lib/metrics/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string' },
    dense: { type: 'boolean' },
    'no-kernels': { type: 'boolean' },
    'no-matmul-fix': { type: 'boolean' },
    epochs: { type: 'string' },
  },
});
const [dir, seedText] = positionals;
const seed = Number(seedText ?? 0);
const loaded = await loadBackend(values.backend as BackendPreference | undefined, {
  mtlcKernels: !values['no-kernels'],
  wasmMatMulFix: !values['no-matmul-fix'],
});
const { meta, features, labels, trainRows, testRows } = importBenchData(dir);
const epochs = values.epochs ? Number(values.epochs) : meta.epochs;
const model = { ...MODEL_DEFAULTS, hidden: meta.hidden, dropout: meta.dropout, batchSize: meta.batchSize, learningRate: meta.learningRate };
const sparseInput = !values.dense && loaded.backend !== 'tensorflow';
const data = new TaskData(loaded.tf, features, labels, meta.tasks, trainRows, { sparseInput });
const net = createNetwork(loaded, data, model, seed);
const rows = unionRows(meta.tasks, trainRows);
const started = performance.now();
// A fixed amount of work, as the peer does: `epochs` passes, no validation checks.
const maxSteps = epochs * Math.ceil(rows.length / meta.batchSize);
await fit(loaded.tf, net, data, rows, { batchSize: meta.batchSize, rng: createRng(seed + 1), stopping: { maxSteps, evalEvery: maxSteps, patience: 1 } });
const seconds = (performance.now() - started) / 1000;
const p = predictRows(net, data, testRows);
const aurocs: Record<string, number | null> = {};
meta.tasks.forEach((t, k) => {
  const { y, p: s } = labelledColumn(data, testRows, p, k);
  aurocs[t] = auroc(y, s);
});
const defined = Object.values(aurocs).filter((a): a is number => a !== null);
const samples = epochs * rows.length;
console.log(
  JSON.stringify({
    impl: 'mtlc',
    backend: loaded.backend,
    device: loaded.device,
    sparseInput,
    kernels: !values['no-kernels'],
    matMulFix: !values['no-matmul-fix'],
    seed,
    seconds,
    samples,
    samplesPerSecond: samples / seconds,
    macroAuroc: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    auroc: aurocs,
  }),
);
