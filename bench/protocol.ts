// The training protocol's evidence (docs/methods.md, "Training protocol"): does a point's result depend on its
// data rather than on how many optimizer steps its rows imply? On KIBA top-3 and on planted groups, over
// replicates (test folds 0..4):
//   convergence — single-task AUROC at n = 32, 64, 256 with the step budget and patience as configured, and
//                 with both doubled (more training must change nothing that matters);
//   placebo     — the target at n_i = 64 with and without 1,024 rows of a label-shuffled copy of another task
//                 (it must not help).
// Usage: npm run bench:protocol -- [kiba|planted] [--max-steps S --eval-every E --patience P --min-improvement D]
import { parseArgs } from 'node:util';
import { parseRunConfig, type ModelConfig } from '../lib/config.ts';
import { prepareDataset, withPlaceboTasks, placeboName } from '../lib/data/index.ts';
import { loadBackend } from '../lib/model/index.ts';
import { assignFolds, trainingOrder } from '../lib/splits/index.ts';
import { plantedGroups } from '../lib/synthetic/plantedGroups.ts';
import { trainSpec, type TrainingSource } from '../lib/training/point.ts';
import type { FeatureMatrix, LabelMatrix, PointSpec } from '../lib/types.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-steps': { type: 'string' }, 'eval-every': { type: 'string' }, patience: { type: 'string' }, 'min-improvement': { type: 'string' }, reps: { type: 'string' }, 'data-dir': { type: 'string' } },
});
const which = positionals[0] ?? 'kiba';
const reps = Number(values.reps ?? 5);
const base = parseRunConfig({}).model;
const model: ModelConfig = {
  ...base,
  ...(values['max-steps'] ? { maxSteps: Number(values['max-steps']) } : {}),
  ...(values['eval-every'] ? { evalEvery: Number(values['eval-every']) } : {}),
  ...(values.patience ? { patience: Number(values.patience) } : {}),
  ...(values['min-improvement'] ? { minImprovement: Number(values['min-improvement']) } : {}),
};
const doubled: ModelConfig = { ...model, maxSteps: 2 * model.maxSteps, patience: 2 * model.patience };
const timing = { steps: [] as number[], seconds: [] as number[] };

async function load(): Promise<{ features: FeatureMatrix; labels: LabelMatrix; smiles?: string[] }> {
  if (which === 'planted') {
    const d = plantedGroups({ groupSizes: [2, 2, 1], compounds: 3000, dim: 64, observed: 0.6, noise: 0.5, seed: 3 });
    return { features: d.features, labels: d.labels };
  }
  const config = parseRunConfig({ dataset: { name: 'kiba', ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) }, tasks: { top: 3 } });
  const p = await prepareDataset(config);
  return { features: p.features, labels: p.labels, smiles: p.smiles };
}

const raw = await load();
const real = raw.labels.tasks.slice(0, 3);
// Placebo of the next task in the list is the source of each target.
const placeboOf = (target: string) => real[(real.indexOf(target) + 1) % real.length];
const labels = withPlaceboTasks(raw.labels, real, 11);
const assignment = await assignFolds(labels.compoundIds, raw.smiles, 'random', 5, 0, { features: raw.features });
const source: TrainingSource = { features: raw.features, labels, assignment };
const backend = await loadBackend();
const spec = (fold: number, sizes: Record<string, number>): PointSpec => ({ id: `protocol-${fold}-${JSON.stringify(sizes)}`, split: 'random', fold, seed: 0, sizes, uses: [{ design: 'pairwise' }] });
const auroc = async (s: PointSpec, m: ModelConfig, task: string) => {
  const r = await trainSpec(source, s, m, backend);
  if (m === model) {
    timing.steps.push(r.steps);
    timing.seconds.push(r.seconds);
  }
  return { auroc: r.metrics[task].auroc ?? NaN, steps: r.steps, seconds: r.seconds };
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));

console.log(`# protocol on ${which}: maxSteps ${model.maxSteps}, evalEvery ${model.evalEvery}, patience ${model.patience}, minImprovement ${model.minImprovement}, validation ${assignment.validationFraction}, ${backend.backend}; ${reps} replicates (folds)`);
for (const task of real) {
  for (const n of [32, 64, 256]) {
    const diffs: number[] = [];
    const a: number[] = [];
    const steps: number[] = [];
    for (let fold = 0; fold < reps; fold++) {
      const have = trainingOrder(labels, assignment, fold, 0, task).length;
      const s = spec(fold, { [task]: Math.min(n, have) });
      const one = await auroc(s, model, task);
      const two = await auroc(s, doubled, task);
      diffs.push(two.auroc - one.auroc);
      a.push(one.auroc);
      steps.push(one.steps);
    }
    console.log(`convergence ${task} n=${n}: AUROC ${mean(a).toFixed(4)}, budget×2 moves it ${mean(diffs) >= 0 ? '+' : ''}${mean(diffs).toFixed(4)} ± ${(sd(diffs) / Math.sqrt(reps)).toFixed(4)} (mean steps ${mean(steps).toFixed(0)})`);
  }
}
for (const target of real) {
  const placebo = placeboName(placeboOf(target));
  const diffs: number[] = [];
  for (let fold = 0; fold < reps; fold++) {
    const alone = await auroc(spec(fold, { [target]: 64 }), model, target);
    const nP = Math.min(1024, trainingOrder(labels, assignment, fold, 0, placebo).length);
    const withP = await auroc(spec(fold, { [target]: 64, [placebo]: nP }), model, target);
    diffs.push(withP.auroc - alone.auroc);
  }
  console.log(`placebo ${placebo} → ${target} (n_i = 64, +1024 placebo rows): ΔAUROC ${mean(diffs) >= 0 ? '+' : ''}${mean(diffs).toFixed(4)} ± ${(sd(diffs) / Math.sqrt(reps)).toFixed(4)}`);
}
console.log(`cost: ${timing.steps.length} trainings at the configured budget, mean ${mean(timing.steps).toFixed(0)} steps (max ${Math.max(...timing.steps)}), ${mean(timing.seconds).toFixed(2)} s each (${backend.backend})`);
