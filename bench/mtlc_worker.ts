// One mtlc training of the exported bench point, timed like the PyTorch peer (the epoch loop only); prints JSON.
// With --slots P: P copies of the point (seeds SEED·100 + 0…P−1) by the batched trainer, P at once — how the
// pipeline trains points (lib/model/batched.ts) — timed over the whole program (start, steps, the one reading).
// usage: node bin/run-ts.js bench/mtlc_worker.ts DATA_DIR SEED [--backend node|wasm|cpu] [--dense]
//          [--no-kernels] [--no-matmul-fix] [--epochs N] [--slots P]
import { parseArgs } from 'node:util';
import { importBenchData } from './data.ts';
import { loadBackend, TaskData, createNetwork, fit, labelledColumn, predictRows, unionRows, type BackendPreference } from '../lib/model/index.ts';
import { createRng } from '../lib/stats/rng.ts';
import { MODEL_DEFAULTS } from '../lib/config.ts';
import { auroc, macroAuroc } from '../lib/metrics/index.ts';
import { trainPoints } from '../lib/model/batched.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string' },
    dense: { type: 'boolean' },
    'no-kernels': { type: 'boolean' },
    'no-matmul-fix': { type: 'boolean' },
    epochs: { type: 'string' },
    slots: { type: 'string' },
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
const rows = unionRows(meta.tasks, trainRows);
// A fixed amount of work, as the peer does: `epochs` passes, no validation checks.
const maxSteps = epochs * Math.ceil(rows.length / meta.batchSize);
if (values.slots) {
  const P = Number(values.slots);
  const inputs = Array.from({ length: P }, (_, i) => ({
    features, labels, tasks: meta.tasks, trainRows, testRows, validationRows: new Int32Array(0),
    model: { ...model, maxSteps, evalEvery: maxSteps, patience: 1 }, seed: seed * 100 + i, backend: loaded,
  }));
  const started = performance.now();
  const out = await trainPoints(inputs, { slots: P, backend: loaded });
  const seconds = (performance.now() - started) / 1000;
  const macro = out.map((o) => macroAuroc(o.metrics)).filter((a): a is number => a !== null);
  const samples = P * epochs * rows.length;
  console.log(JSON.stringify({ impl: 'mtlc', slots: P, backend: loaded.backend, device: loaded.device, seed, seconds, samples, samplesPerSecond: samples / seconds, macroAuroc: macro.length ? macro.reduce((a, b) => a + b, 0) / macro.length : null }));
  process.exit(0);
}
const sparseInput = !values.dense && loaded.backend !== 'tensorflow';
const data = new TaskData(loaded.tf, features, labels, meta.tasks, trainRows, { sparseInput });
const net = createNetwork(loaded, data, model, seed);
const started = performance.now();
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
