// The paper's scale through the local runner with AWS's limits enforced (docs/aws.md, "Scale"): every KIBA target,
// the contextual and random designs — Plan, the training Map (in batches of points, from S3), Fit (one shard per
// target: a penalised joint model of K − 1 rates and the EXP3.2 surface), Transfer and Report. Training is
// SIMULATED (bench/simulatedTrainer.ts: points written from known curve laws), so that everything else runs at full
// size. Shared by `npm run scale` and the scale test (test/e2e/scale.test.ts).
import { describeLambdaUsage } from '../app/local/lambda-limits.ts';
import { STATE_PAYLOAD_LIMIT } from '../app/local/adapter.ts';
import { runLocal, type LocalProgress, type LocalRunResult } from '../app/local/run.ts';
import type { TransferLaw } from '../lib/synthetic/curveLaws.ts';
import { simulatedTrainer } from './simulatedTrainer.ts';

/** The scale study of the top `top` KIBA targets (229: all of them) over `folds` folds. */
export function scaleConfig(top: number, folds: number) {
  return {
    title: `scale: KIBA top ${top}, contextual + random designs, SIMULATED training`,
    dataset: { name: 'kiba' },
    tasks: { top, minPositives: 1, minNegatives: 1 },
    split: { kinds: ['random'], folds },
    // The smallest KIBA targets have 11 compounds, ~7 for training in a fold: a grid from 2 gives them an EXP3.2
    // surface too (meaningless for real training, and here only the system's scale is measured).
    study: { designs: ['contextual', 'random'], grid: { min: 2, max: 'full', factor: 2 }, seeds: 1, randomRuns: 24, placebo: { sources: [] }, tag: { enabled: false }, lookahead: { enabled: false } },
    execution: { maxPoints: 100_000 },
  };
}

/** Every task saturates like a real KIBA target; the first task gains from the second and third and loses to the fourth. */
export function scaleLaws(tasks: string[]): Record<string, TransferLaw> {
  const [t0, t1, t2, t3] = tasks;
  return Object.fromEntries(
    tasks.map((t, i): [string, TransferLaw] => [t, { c: 0.82 + 0.06 * ((i * 37) % 11) / 10, b: Math.log(0.3), a: 1 / 250, s: t === t0 ? { [t1]: 1 / 1500, [t2]: 1 / 2000, [t3]: -1 / 2000 } : {} }]),
  );
}

export interface ScaleRun {
  result: LocalRunResult;
  /** What the run used against AWS's limits, a line each. */
  lines: string[];
  /** Functions that passed their Lambda timeout or memory. */
  overLimit: string[];
}

/** Runs `configText` (scaleConfig's study, or another) through the local runner with simulated training. */
export async function runScale(options: { configText: string; runId: string; outDir: string; dataDir?: string; onProgress?(p: LocalProgress): void }): Promise<ScaleRun> {
  const started = performance.now();
  const result = await runLocal({
    configText: options.configText,
    outDir: options.outDir,
    runId: options.runId,
    replace: true,
    dataDir: options.dataDir,
    trainJobs: simulatedTrainer({ laws: scaleLaws, noise: 0.004 }),
    onProgress: options.onProgress,
  });
  const seconds = (performance.now() - started) / 1000;
  const lines = [
    `run ${result.runId}: ${result.state}${result.error ? ` (${result.error}: ${result.cause})` : ''} in ${seconds.toFixed(0)} s`,
    `largest state payload: ${result.largestPayload.bytes} bytes at ${result.largestPayload.state} (limit ${STATE_PAYLOAD_LIMIT})`,
    'Lambda steps against their limits:',
    ...describeLambdaUsage(result.lambdaUsage).map((l) => `  ${l}`),
  ];
  const overLimit = Object.entries(result.lambdaUsage)
    .filter(([, u]) => u.maxSeconds > u.limits.timeoutSeconds || u.maxMemoryMiB > u.limits.memoryMiB)
    .map(([name]) => name);
  return { result, lines, overLimit };
}
