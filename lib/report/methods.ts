// The methods section: each quantity in the report defined as the pipeline computes it (docs/methods.md), with this run's settings.
import type { RunConfig } from '../config.ts';
import { esc } from './html.ts';

export function methodsHtml(config: RunConfig): string {
  const { study, model, split } = config;
  const grid = `n = ${study.grid.min}, ${study.grid.min * study.grid.factor}, … up to ${study.grid.max === 'full' ? "each task's full training set" : study.grid.max} (factor ${study.grid.factor})`;
  const items: [string, string][] = [
    [
      'Performance P_i',
      `Held-out AUROC of task i on the test fold's compounds (never used for training at any n). AUPRC and log-loss are recorded too. A test fold with one class has no AUROC; such observations are left out.`,
    ],
    [
      'Model',
      `Hard parameter sharing: a shared trunk (dense ${model.hidden.join('→')}, ReLU, dropout ${model.dropout}) and one logistic head per task; binary cross-entropy over the observed labels only; Adam (learning rate ${model.learningRate}, batch ${model.batchSize}). Every point trains by the same protocol whatever its number of rows: at most ${model.maxSteps} steps, every task's AUROC checked on an inner validation set of the training folds every ${model.evalEvery} steps, a stop after ${model.patience} checks without improvement, and each task read at its own best check. The single-task learner is the same model with one task.`,
    ],
    [
      'Learning curves',
      `Training sets are nested subsamples of each fold's training compounds at ${grid}; ${study.seeds} seed(s) × fold(s) ${split.useFolds.join(', ')} of ${split.folds} (${split.kinds.join(' and ')} split). Single-task curves train each task alone; all-task curves train every task at the same n.`,
    ],
    ['EXP3', 'P(n) = c − exp(b − a·n), a ≥ 0, fitted by least squares: a search over the rate a with (c, e^b) solved in closed form, then a local polish (variable projection).'],
    [
      'Contextual transfer s_i (EXP3.2)',
      `P_i = c − exp(b − a_i·n_i − s_i·n_Σ), n_Σ = the other tasks' training samples (fractions ${study.contextFractions.join(', ')} of their data). s_i > 0: the other tasks help task i; s_i < 0: they hurt it. The exchange rate s_i / a_i is how many of task i's own samples one auxiliary sample is worth.`,
    ],
    ['Pairwise transfer s_ij', 'P_i = c − exp(b − a_i·n_i − s_ij·n_j) on a grid of (n_i, n_j) for source j → target i; the random design fits all pairs jointly, P_i = c − exp(b − a_i·n_i − Σ_j s_ij·n_j).'],
    [
      'Intervals, p-values and verdicts (primary: replicate level)',
      `Points of one replicate (fold × seed) share nested subsets and an initialisation, so they are not independent observations; replicates are. Every estimate — s, a, the exchange rate s/a, the single-vs-all gap at each n — is the pooled least-squares value, with its standard error from a leave-one-replicate-out jackknife over the G replicates (each curve refitted without one replicate), a ${Number((100 * (1 - study.alpha)).toPrecision(4))}% t interval and a two-sided p on G − 1 degrees of freedom. With fewer than 4 replicates there is no interval and no verdict. q: the Benjamini–Hochberg q-value of p within a family (one design and split; placebo controls a family of their own; the gaps of all tasks and n of a split one family). Verdict: positive or negative by the sign of the estimate when q < ${study.fdr} (study.fdr), none otherwise.`,
    ],
    [
      'Secondary: F-test and profile interval; the bootstrap bands',
      `The nested F-test of the model against the same model with the rate fixed at 0, F = (SSE₀ − SSE₁)/(SSE₁/(m − p)) on (1, m − p) degrees of freedom, and its inversion (the profile interval: the rates s₀ it does not reject at α = ${study.alpha}) treat every point as independent; in simulated studies whose replicates drift as random walks they rejected a true s = 0 in 16–34 % of studies at α = 0.05, so they are shown for comparison only. The shaded bands of the single- and all-task curves are pointwise percentile bootstraps (${study.bootstrap} resamples of the replicate groups); transfer rates are not bootstrapped, since with a handful of groups a percentile interval covers far less than it claims (55 % of nominal 95 % at 3 groups).`,
    ],
    [
      'TAG Z_{i→j}',
      `Fifty et al. (2021): during one all-task run at full size, every ${study.tag.every} steps and before the step's update, the shared trunk takes the optimizer's own step on task i's loss alone; Z_{i→j} = 1 − L_j(after)/L_j(before) on the same batch; the trunk is restored. Reported averaged over the whole run (Fifty et al.) and over its first epoch (early phase), where the signal is strongest on planted data and before it reverses${study.tag.heldOut ? '; the held-out variant reads L_j on a batch of inner-validation compounds the step did not train on' : ''}.`,
    ],
    [
      'Snapshot branches ŝ_ij (the efficient approximation of the pairwise curves)',
      `Per target i and replicate: a base model trains on i's first n₀ = ${study.lookahead.n0} samples, early-stopped like every point (at most ${study.lookahead.baseSteps} steps), and is snapshotted at its best check; from its snapshot (weights and Adam state), branches of ${study.lookahead.branchSteps} steps add Δ = ${study.lookahead.delta} samples of source j, of i itself (self), of a label-shuffled copy of a task (placebo), or nothing (control), with the same target batches and dropout masks, the added samples in the share they have in the union of the two. P_x = i's inner-validation AUROC (mean over the branch's second half). Under EXP3.2 a branch that gets a share φ of the way to its point has L_x = log((c − P_x)/(c − P_control)) = −φ·rate_x·Δ, with c and a_i from i's single-task EXP3 curve; φ̂ = ΣL_self/Σ(−a_i·Δ) pooled over the targets, and ŝ_ij = −(L_j − L_placebo)/(φ̂·Δ). The interval: the jackknife over replicates (each left out of the branch means and of the curves) plus the variance between placebo copies.`,
    ],
    ['Rank agreement', "Spearman's ρ (Pearson correlation of average ranks) over the ordered pairs measured by both scores."],
    ['Curve-model comparison', 'As in LCDB: each model (EXP3, POW3, POW4, MMF4, last value) is fitted on the smaller anchors of a curve and scored by the mean squared error on the larger ones.'],
    ['Compute cost', 'Wall-clock training and probing seconds summed over the runs of each approach, on the device named.'],
  ];
  return `<dl class="methods">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n')}</dl>`;
}
