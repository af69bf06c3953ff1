// One mtlc training of the exported bench point, timed like the PyTorch peer (the epoch loop only).
// usage: node bin/run-ts.js bench/mtlc_worker.ts DATA_DIR SEED [BACKEND]
import { importBenchData } from './data.ts';
import { loadBackend, TaskData, createNetwork, fit, predictRows, unionRows, createRng, type BackendPreference } from '../lib/model/index.ts';
import { auroc } from '../lib/metrics/index.ts';

const [dir, seedText, prefer] = process.argv.slice(2);
const seed = Number(seedText ?? 0);
const loaded = await loadBackend(prefer as BackendPreference | undefined);
const { meta, features, labels, trainRows, testRows } = importBenchData(dir);
const model = { hidden: meta.hidden, dropout: meta.dropout, epochs: meta.epochs, batchSize: meta.batchSize, learningRate: meta.learningRate };
const data = new TaskData(loaded.tf, features, labels, meta.tasks, trainRows, { sparseInput: loaded.backend !== 'tensorflow' });
const net = createNetwork(loaded, data, model, seed);
const rows = unionRows(meta.tasks, trainRows);
const started = performance.now();
await fit(loaded.tf, net, data, rows, { epochs: meta.epochs, batchSize: meta.batchSize, rng: createRng(seed + 1) });
const seconds = (performance.now() - started) / 1000;
const p = predictRows(net, data, testRows);
const K = meta.tasks.length;
const aurocs: Record<string, number | null> = {};
meta.tasks.forEach((t, k) => {
  const y: number[] = [];
  const s: number[] = [];
  testRows.forEach((r, i) => {
    if (data.hostObserved[r * K + k]) {
      y.push(data.hostY[r * K + k]);
      s.push(p[i * K + k]);
    }
  });
  aurocs[t] = auroc(y, s);
});
const defined = Object.values(aurocs).filter((a): a is number => a !== null);
const samples = meta.epochs * rows.length;
console.log(
  JSON.stringify({
    impl: 'mtlc',
    backend: loaded.backend,
    device: loaded.device,
    sparseInput: data.sparse !== undefined,
    seed,
    seconds,
    samples,
    samplesPerSecond: samples / seconds,
    macroAuroc: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    auroc: aurocs,
  }),
);
