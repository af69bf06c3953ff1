// `npm run bench`: mtlc's training throughput against a PyTorch peer on the same data, model and cores, then
// seconds per learning-curve point, EXP3 fits per second and (with --study) the default study's wall time.
//
// options: --procs N (default: one per core)  --epochs E (default 10)  --repeats R (default 2)
//          --slots P,P,… (the batched trainer's slots to compare; default 1,8,16)
//          --ablation (also time each speed-up switched off, 1 epoch, 1 process)  --study  --data-dir DIR
//          --fit-inputs FILE (time the Fit step on a stored run's results/fits/inputs.json.gz)
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseRunConfig, type ModelConfig } from '../lib/config.ts';
import { loadBackend } from '../lib/model/index.ts';
import { trainSpec } from '../lib/training/point.ts';
import type { PointSpec } from '../lib/types.ts';
import { macroAuroc } from '../lib/metrics/index.ts';
import { exportBenchData, prepareBenchData, type BenchData } from './data.ts';
import { timeFitStep } from './fitStep.ts';
import { formatTable as table } from '../app/cli/table.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const PYTHON = '/usr/bin/python3';

interface RunResult {
  impl: string;
  seconds: number;
  samples: number;
  samplesPerSecond: number;
  macroAuroc: number | null;
  backend?: string;
  version?: string;
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: repoRoot, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as RunResult);
      } catch {
        reject(new Error(`${cmd} printed no JSON result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** n processes at once (one per core); returns each one's result. */
function parallel(n: number, start: (seed: number) => Promise<RunResult>): Promise<RunResult[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => start(i)));
}

function peerStatus(): { ok: boolean; note: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, note: 'PyTorch is missing: sudo apt-get install -y python3-torch' };
  let blas = 'unknown BLAS';
  try {
    blas = path.basename(path.dirname(realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3')));
  } catch {
    // not a Debian multiarch layout
  }
  const reference = blas === 'blas';
  return {
    ok: true,
    note: `PyTorch ${probe.stdout.trim()} (${reference ? 'reference BLAS — slow; apt-get install -y libopenblas0-pthread for a fair peer' : `BLAS: ${blas}`})`,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const fmt = (x: number | null | undefined, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));


/** The trainers side by side: PyTorch one point at a time, mtlc one point at a time (1 slot) and batched. */
async function throughput(dir: string, procs: number, repeats: number, peerOk: boolean, slots: number[]): Promise<void> {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const mtlc = (p: number) => (seed: number) => runProcess(process.execPath, [path.join(repoRoot, 'bin/run-ts.js'), path.join(benchDir, 'mtlc_worker.ts'), dir, String(seed), '--slots', String(p)], env);
  const peer = (seed: number) => runProcess(PYTHON, [path.join(benchDir, 'torch_peer.py'), dir, String(seed)], env);
  const impls: [string, (seed: number) => Promise<RunResult>][] = [
    ...(peerOk ? [['pytorch', peer] as [string, (seed: number) => Promise<RunResult>]] : []),
    ...slots.map((p) => [`mtlc P=${p}`, mtlc(p)] as [string, (seed: number) => Promise<RunResult>]),
  ];
  const rows: string[][] = [];
  const ratios = new Map<string, number[]>();
  for (let r = 0; r < repeats; r++) {
    // Back to back, rotating which goes first, so that load from elsewhere hits every trainer alike.
    const order = impls.map((_, i) => impls[(i + r) % impls.length]);
    const got = new Map<string, RunResult[]>();
    for (const [name, start] of order) got.set(name, await parallel(procs, start));
    const torch = got.get('pytorch');
    const torchRate = torch ? sum(torch.map((x) => x.samplesPerSecond)) : undefined;
    for (const [name] of impls) {
      const rs = got.get(name)!;
      const rate = sum(rs.map((x) => x.samplesPerSecond));
      const label = name === 'pytorch' ? `pytorch ${rs[0].version ?? ''}` : `${name} (${rs[0].backend})`;
      const ratio = torchRate && name !== 'pytorch' ? rate / torchRate : undefined;
      if (ratio !== undefined) ratios.set(name, [...(ratios.get(name) ?? []), ratio]);
      rows.push([String(r + 1), label, String(procs), fmt(rate), fmt(rate / procs), fmt(mean(rs.map((x) => x.seconds)), 2), fmt(mean(rs.map((x) => x.macroAuroc ?? NaN)), 4), ratio === undefined ? '' : ratio.toFixed(2)]);
    }
  }
  console.log(table(['run', 'trainer', 'procs', 'samples/s (all)', 'per core', 'train s', 'macro AUROC', '÷ pytorch'], rows));
  for (const [name, rs] of ratios) {
    const sorted = [...rs].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
    console.log(`throughput ratio ${name}/pytorch: median ${median.toFixed(2)} (runs: ${rs.map((x) => x.toFixed(2)).join(', ')})`);
  }
}

async function ablation(dir: string): Promise<void> {
  const variants: [string, string[]][] = [
    ['wasm stock (dense input, stock kernels)', ['--dense', '--no-kernels', '--no-matmul-fix']],
    ['+ transposed-matMul fix', ['--dense', '--no-kernels']],
    ['+ sparse first layer, fused Adam (mtlc kernels)', []],
    ['cpu backend, dense, stock', ['--backend', 'cpu', '--dense', '--no-kernels']],
    ['cpu backend, mtlc kernels', ['--backend', 'cpu']],
  ];
  const rows: string[][] = [];
  for (const [label, flags] of variants) {
    const r = await runProcess(process.execPath, [path.join(repoRoot, 'bin/run-ts.js'), path.join(benchDir, 'mtlc_worker.ts'), dir, '0', '--epochs', '1', ...flags], process.env);
    rows.push([label, r.backend ?? '', fmt(r.samplesPerSecond)]);
  }
  console.log(table(['variant (1 epoch, 1 process)', 'backend', 'samples/s'], rows));
}

async function secondsPerPoint(data: BenchData, model: ModelConfig): Promise<void> {
  const backend = await loadBackend();
  const full = Math.max(...data.tasks.map((t) => data.trainOrder[t].length));
  const sizes: number[] = [];
  for (let n = 32; n < full; n *= 2) sizes.push(n);
  sizes.push(full);
  const rows: string[][] = [];
  for (const n of sizes) {
    const sizes = Object.fromEntries(data.tasks.map((t) => [t, Math.min(n, data.trainOrder[t].length)]));
    const spec: PointSpec = { id: `bench-${n}`, split: 'random', fold: 0, seed: 0, sizes, uses: [{ design: 'all' }] };
    const r = await trainSpec({ features: data.features, labels: data.labels, assignment: data.assignment }, spec, model, backend);
    rows.push([n === full ? `${n} (full)` : String(n), r.seconds.toFixed(2), String(r.steps), fmt(macroAuroc(r.metrics), 4), r.backend]);
  }
  console.log(table(['n per task', 'seconds', 'steps', 'macro AUROC', 'backend'], rows));
}

async function curveFits(): Promise<void> {
  const file = path.join(benchDir, 'curves.ts');
  if (!existsSync(file)) {
    console.log('bench/curves.ts is not there yet: no curve-fit figures');
    return;
  }
  const mod = (await import(pathToFileURL(file).href)) as { benchCurves?: (o?: { seconds?: number }) => Promise<{ exp3FitsPerSecond: number; exp32FitsPerSecond: number; jointFitsPerSecond: number }> };
  if (!mod.benchCurves) return;
  const r = await mod.benchCurves({ seconds: 2 });
  console.log(`EXP3 fits/s: ${fmt(r.exp3FitsPerSecond)}   EXP3.2 fits/s: ${fmt(r.exp32FitsPerSecond)}   joint (7 sources) fits/s: ${fmt(r.jointFitsPerSecond)}   (one core)`);
}

function fitStep(file: string): void {
  const t = timeFitStep(file);
  const fits = t.shards.reduce((a, s) => a + s.fits, 0);
  const failed = t.shards.reduce((a, s) => a + s.failed, 0);
  const slowest = t.shards.reduce((a, s) => (s.seconds > a.seconds ? s : a), t.shards[0]);
  console.log(`${t.points} points, ${t.shards.length} shards, ${fits} fits (${failed} failed): ${t.totalSeconds.toFixed(1)} s in all (plan ${t.planSeconds.toFixed(1)} s, slowest shard ${slowest?.id} ${slowest?.seconds.toFixed(1)} s, merge ${t.mergeSeconds.toFixed(1)} s), one core`);
}

function study(dataDir: string | undefined): void {
  const out = mkdtempSync(path.join(os.tmpdir(), 'mtlc-bench-study-'));
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/mtlc.js'), 'run', '--out', out, ...(dataDir ? ['--data-dir', dataDir] : [])], { cwd: repoRoot, stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  console.log(r.status === 0 ? `default study (mtlc run): ${seconds.toFixed(0)} s wall` : `default study failed (exit ${r.status}) after ${seconds.toFixed(0)} s`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      procs: { type: 'string' },
      epochs: { type: 'string' },
      repeats: { type: 'string' },
      ablation: { type: 'boolean' },
      study: { type: 'boolean' },
      'data-dir': { type: 'string' },
      slots: { type: 'string' },
      'fit-inputs': { type: 'string' },
    },
  });
  const procs = Number(values.procs ?? os.cpus().length);
  const repeats = Number(values.repeats ?? 2);
  const defaults = parseRunConfig({}).model;
  const benchModel: ModelConfig = defaults;
  const benchEpochs = Number(values.epochs ?? 10);
  const data = await prepareBenchData(values['data-dir']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-bench-'));
  try {
    exportBenchData(dir, data, benchModel, benchEpochs);
    const nTrain = new Set(data.tasks.flatMap((t) => [...data.trainOrder[t]])).size;
    const peer = peerStatus();
    console.log(`# mtlc bench on ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
    console.log(`data: KIBA top-${data.tasks.length} (≥ 12.1), ECFP ${data.features.dim}, random fold 0 of 5: ${nTrain} training, ${data.testRows.length} test compounds`);
    console.log(`model: ${data.features.dim}→${benchModel.hidden.join('→')}→${data.tasks.length}, dropout ${benchModel.dropout}, Adam lr ${benchModel.learningRate}, batch ${benchModel.batchSize}; throughput over ${benchEpochs} epochs`);
    console.log(`peer: ${peer.note}\n`);
    console.log('## training throughput (epoch loop only), one single-threaded process per core');
    await throughput(dir, procs, repeats, peer.ok, (values.slots ?? '1,8,16').split(',').map(Number));
    if (values.ablation) {
      console.log('\n## what each speed-up buys');
      await ablation(dir);
    }
    console.log(`\n## seconds per point (all ${data.tasks.length} tasks at n each; default model and training protocol; one process)`);
    await secondsPerPoint(data, defaults);
    console.log('\n## curve fits');
    await curveFits();
    if (values['fit-inputs']) {
      console.log('\n## the Fit step of a stored run');
      fitStep(values['fit-inputs']);
    }
    if (values.study) {
      console.log('\n## default study');
      study(values['data-dir']);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
