// `mtlc train`: one learning-curve point from the command line — prepare a data set, split it, train one
// multi-task network on the training compounds of a fold and print the held-out metrics per task.
import { parseArgs } from 'node:util';
import { parseRunConfig, type RunConfig } from '../../../lib/config.ts';
import { prepareDataset } from '../../../lib/data/index.ts';
import { configFromDataFlags, DATA_FLAG_OPTIONS, DATA_FLAG_USAGE, type DataFlagValues } from '../flags.ts';
import { assignFolds, trainingOrder } from '../../../lib/splits/index.ts';
import { trainSpec } from '../../../lib/training/point.ts';
import { loadBackend, type BackendPreference } from '../../../lib/model/index.ts';
import { macroAuroc } from '../../../lib/metrics/index.ts';
import type { PointSpec, TaskMetrics } from '../../../lib/types.ts';
import { formatTable } from '../table.ts';
import { numberFlag, UsageError } from '../usage.ts';

export const summary = 'train and evaluate one point (one model on one fold) and print per-task metrics';

const TRAIN_OPTIONS = {
  split: { type: 'string' },
  folds: { type: 'string' },
  fold: { type: 'string' },
  seed: { type: 'string' },
  size: { type: 'string' },
  'max-steps': { type: 'string' },
  'eval-every': { type: 'string' },
  patience: { type: 'string' },
  hidden: { type: 'string' },
  dropout: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `usage: mtlc train [options]

Example: mtlc train --dataset kiba --tasks top:8 --split random --fold 0

split and training options:
  --split random|scaffold   compound split (default: the config's first split kind, random)
  --folds F                 number of folds (default 5); fold f's compounds are the test set
  --fold f                  test fold (default 0)
  --seed S                  split and replicate seed (default 0)
  --size N                  at most N training compounds per task (the first N of the nested order; default all)
  --hidden W[,W…], --dropout P, --batch-size B, --lr X
                            model settings (defaults: the config's model section)
  --max-steps S, --eval-every E, --patience P
                            training protocol: step budget, steps between validation checks, checks without
                            improvement before stopping (docs/methods.md)
  --backend node|wasm|cpu   preferred tfjs backend (default: the fastest available)
  --json                    print the result as JSON

${DATA_FLAG_USAGE}`;


type TrainFlags = { [K in keyof typeof TRAIN_OPTIONS]?: string | boolean };

/** The run configuration of the flags: data flags first, then split and model overrides (validated). */
export function configFromTrainFlags(data: DataFlagValues, flags: TrainFlags): RunConfig {
  const base = configFromDataFlags(data);
  const split: Record<string, unknown> = { ...base.split };
  const model: Record<string, unknown> = { ...base.model };
  const s = (k: keyof TrainFlags) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  if (s('split') !== undefined) split.kinds = [s('split')];
  if (s('folds') !== undefined) split.folds = numberFlag('folds', s('folds')!);
  if (s('fold') !== undefined) split.useFolds = [numberFlag('fold', s('fold')!)];
  if (s('seed') !== undefined) split.seed = numberFlag('seed', s('seed')!);
  if (s('max-steps') !== undefined) model.maxSteps = numberFlag('max-steps', s('max-steps')!);
  if (s('eval-every') !== undefined) model.evalEvery = numberFlag('eval-every', s('eval-every')!);
  if (s('patience') !== undefined) model.patience = numberFlag('patience', s('patience')!);
  if (s('hidden') !== undefined) model.hidden = s('hidden')!.split(',').map((w) => numberFlag('hidden', w));
  if (s('dropout') !== undefined) model.dropout = numberFlag('dropout', s('dropout')!);
  if (s('batch-size') !== undefined) model.batchSize = numberFlag('batch-size', s('batch-size')!);
  if (s('lr') !== undefined) model.learningRate = numberFlag('lr', s('lr')!);
  return parseRunConfig({ ...base, split, model });
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? '—' : x.toFixed(digits);
}

export function metricsTable(metrics: Record<string, TaskMetrics>): string {
  const header = ['task', 'nTrain', 'nTest', 'positives', 'AUROC', 'AUPRC', 'log-loss'];
  const rows = Object.entries(metrics).map(([t, m]) => [t, String(m.nTrain), String(m.nTest), String(m.nTestPositive), fmt(m.auroc), fmt(m.auprc), fmt(m.logloss)]);
  return formatTable(header, rows);
}

export async function run(argv: string[]): Promise<number> {
  const values = parseArgs({ args: argv, options: { ...DATA_FLAG_OPTIONS, ...TRAIN_OPTIONS } }).values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataFlags: Record<string, string> = {};
  for (const k of Object.keys(DATA_FLAG_OPTIONS) as (keyof DataFlagValues)[]) if (values[k] !== undefined) dataFlags[k] = values[k] as string;
  const config = configFromTrainFlags(dataFlags, values as TrainFlags);
  const backendFlag = values.backend;
  if (backendFlag !== undefined && !['node', 'wasm', 'cpu'].includes(backendFlag)) {
    throw new UsageError('--backend', `expected node, wasm or cpu, got '${backendFlag}'`);
  }
  const size = values.size !== undefined ? numberFlag('size', values.size) : undefined;
  if (size !== undefined && (!Number.isInteger(size) || size < 1)) throw new UsageError('--size', `expected a positive integer, got '${values.size}'`);

  const prepared = await prepareDataset(config);
  const kind = config.split.kinds[0];
  const fold = config.split.useFolds[0];
  const assignment = await assignFolds(prepared.labels.compoundIds, prepared.smiles, kind, config.split.folds, config.split.seed, {
    features: prepared.features,
    validationFraction: config.split.validationFraction,
  });
  const tasks = prepared.labels.tasks;
  const sizes: Record<string, number> = {};
  for (const t of tasks) {
    const have = trainingOrder(prepared.labels, assignment, fold, config.split.seed, t).length;
    sizes[t] = size !== undefined ? Math.min(size, have) : have;
  }
  const backend = await loadBackend(backendFlag as BackendPreference | undefined);
  const spec: PointSpec = { id: 'mtlc-train', split: kind, fold, seed: config.split.seed, sizes, uses: [{ design: 'all' }] };
  const result = await trainSpec({ features: prepared.features, labels: prepared.labels, assignment }, spec, config.model, backend);
  const macro = macroAuroc(result.metrics);
  if (values.json) {
    console.log(JSON.stringify({ dataset: prepared.name, split: kind, fold, model: config.model, macroAuroc: macro, ...result }, null, 2));
    return 0;
  }
  const m = config.model;
  console.log(`${prepared.name}: ${tasks.length} tasks, ${kind} split, fold ${fold} of ${config.split.folds}, seed ${config.split.seed}`);
  console.log(`model: hidden ${m.hidden.join(',')}, dropout ${m.dropout}, batch ${m.batchSize}, lr ${m.learningRate}; ${result.steps} of at most ${m.maxSteps} steps${result.stoppedEarly ? ' (stopped early)' : ''}`);
  console.log('');
  console.log(metricsTable(result.metrics));
  console.log('');
  console.log(`macro AUROC ${fmt(macro)}   ${result.seconds.toFixed(1)} s   backend ${result.backend} on ${result.device}`);
  return 0;
}
