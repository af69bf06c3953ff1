// The report's comparison of the efficient approximations (snapshot branches, TAG) with the learning curves:
// the branches' estimates with their controls, and each score's agreement, recovery and price (docs/methods.md,
// "Snapshot branches", "TAG", "Comparison").
import type { LookaheadEstimate, TransferFile } from '../results.ts';
import { controlsHtml } from './controls.ts';
import { esc, num, table } from './html.ts';
import { estimateCells, openInterval, verdictCount } from './intervals.ts';

const LABELS: Record<string, string> = {
  pairwise: 'pairwise curves s_ij (grid)',
  random: 'random design s_ij (joint fit)',
  lookahead: 'snapshot branches ŝ_ij',
  tag: 'TAG Z, whole run (Fifty et al.)',
  tag_early: 'TAG Z, first epoch',
  tag_heldout: 'TAG Z held-out batch, whole run',
  tag_heldout_early: 'TAG Z held-out batch, first epoch',
};

export const scoreLabel = (name: string): string => LABELS[name] ?? name;

/** The snapshot-branch estimates of one split: a sentence on what they are, the placebo controls, the table. */
export function lookaheadTable(rows: readonly LookaheadEstimate[], level: string, fdr: number, efficiency?: NonNullable<TransferFile['lookaheadEfficiency']>[number]): string {
  if (rows.length === 0) return '';
  const real = rows.filter((r) => !r.placebo);
  const linear = rows.filter((r) => r.form === 'linear').length;
  const undecided = rows.filter((r) => r.verdict === null);
  const notes = [
    `ŝ_ij is put on the scale of the pairwise curves' s_ij (per sample of the source) as −(L_j − L_placebo)/(φ̂·Δ), where L is the log-gap of the target's validation AUROC to its single-task curve's c and φ̂ the share of the curves' own-sample gain that the self branches delivered, pooled over the targets. Whether it lands there is measured, not assumed: the 'scale' column of the comparison table (1 = on the curves' scale) where this study has curve rates to compare with; at the default settings it came to 0.49–0.99 on planted groups and to 1.7 on KIBA top 8 (ŝ within a factor of two of s_ij; docs/methods.md), so without a comparison read ŝ as a ranking with a sign and a rough size. Its ${level} CI and p come from the jackknife over replicates (fold × seed) and the spread of the placebo copies; q and verdict from Benjamini–Hochberg within the split at FDR ${fdr}. ` +
      `${verdictCount(real, 'positive')} of ${real.length} ordered pairs called positive, ${verdictCount(real, 'negative')} negative.`,
    ...(efficiency
      ? [`Branch efficiency φ̂ = ${num(efficiency.pooled, 3)} (Δ = ${efficiency.delta}); per target ${Object.entries(efficiency.byTarget).map(([t, phi]) => `${t} ${num(phi, 2)}`).join(', ')} — single targets scatter, which is why the scale is pooled.`]
      : []),
    ...(linear ? [`${linear} estimate${linear === 1 ? '' : 's'} used the linear form (a branch reading reached the curve's c, so the log-gap is undefined).`] : []),
    ...(undecided.length ? [`${undecided.length} estimate${undecided.length === 1 ? ' has' : 's have'} no verdict: ${undecided[0].inference.note ?? 'no replicate-level p'}.`] : []),
  ];
  const sorted = [...rows].sort((a, b) => Number(a.placebo === true) - Number(b.placebo === true) || b.s - a.s);
  return (
    notes.map((n) => `<p class="interval-note">${esc(n)}</p>`).join('') +
    controlsHtml('snapshot branches; each placebo copy measured against the other placebos', rows, fdr) +
    `<details><summary>All ${rows.length} snapshot-branch estimates</summary>${table(
      ['source j', 'target i', 'ŝ_ij', `${level} CI`, 'p', 'q', 'verdict', 'exchange rate ŝ/â', 'AUROC control', 'self', 'source', 'form'],
      sorted.map((r) => [
        esc(r.source),
        esc(r.target),
        ...estimateCells(r.s, r),
        num(r.exchangeRate),
        num(r.readings.control),
        num(r.readings.self),
        num(r.readings.source),
        esc(r.form),
      ]),
      [2, 3, 4, 5, 7, 8, 9, 10],
    )}</details>`
  );
}

/**
 * Each score's power on planted task groups, as measured by `npm run power` (docs/methods.md, "Snapshot branches":
 * five group structures, the branches at the defaults, wasm, 2026-12-03): mean AUROC of related vs unrelated
 * ordered pairs over the sets, its 95 % t interval, and the compute seconds per set (shown as a share of the grid's).
 * A measurement of the methods, not of this run: the report quotes it next to this run's agreement.
 */
const PLANTED_POWER: { name: string; auroc: number; ci: [number, number]; seconds: number }[] = [
  { name: 'pairwise', auroc: 1.0, ci: [1.0, 1.0], seconds: 364 },
  { name: 'random', auroc: 0.983, ci: [0.94, 1.0], seconds: 16.5 },
  { name: 'lookahead', auroc: 1.0, ci: [1.0, 1.0], seconds: 20.0 },
  { name: 'tag', auroc: 0.024, ci: [0.0, 0.09], seconds: 6.2 },
  { name: 'tag_early', auroc: 1.0, ci: [1.0, 1.0], seconds: 6.2 },
  { name: 'tag_heldout', auroc: 0.637, ci: [0.54, 0.73], seconds: 6.2 },
  { name: 'tag_heldout_early', auroc: 0.877, ci: [0.78, 0.98], seconds: 6.2 },
];

function plantedPowerTable(): string {
  const intro =
    'Power on planted task groups (npm run power; five group structures with known related pairs, 2 folds × 2 seeds each; docs/methods.md) — a measurement of the methods, not of this run: the AUROC at ranking related ordered pairs above unrelated ones, mean over the five sets with its 95 % t interval, and each approach\u2019s compute per set as a share of the pairwise grid\u2019s.';
  const grid = PLANTED_POWER.find((r) => r.name === 'pairwise')!.seconds;
  const rows = PLANTED_POWER.map((r) => {
    const share = r.seconds / grid;
    return [esc(scoreLabel(r.name)), `${num(r.auroc, 3)} ${openInterval(r.ci)}`, `${(100 * share).toFixed(share < 0.1 ? 1 : 0)} %`];
  });
  return `<h3>Power on planted structure</h3><p>${esc(intro)}</p>${table(['score', 'AUROC related vs unrelated (95 % CI)', 'compute, share of the grid'], rows, [1, 2])}`;
}

/** Each score against the learning-curve reference: within-target and pooled ρ, recovery of its calls, price. */
export function comparisonTable(comparison: TransferFile['comparison'], level: string): string {
  if (!comparison || comparison.rows.length < 2) return '';
  const ref = scoreLabel(comparison.reference);
  const intro =
    `Reference: ${ref}. Within-target ρ: Spearman's ρ between a score and the reference over the sources of each target, averaged over the targets (${level} t interval over targets) — whether a score ranks a target's helpers as the curves do. ` +
    `Recovery: the AUROC at ranking the pairs the reference calls positive (FDR verdicts) above the others, with a Hanley–McNeil ${level} interval. Scale¹: the slope through the origin of the reference on the score (Σxy/Σx²), which is 1 for a score on the curves' own scale (the snapshot branches claim to be; TAG's units are its own). Compute: the approach's own trainings (the snapshot branches also pay for the single-task curves they take c and a_i from; TAG for the all-task run it rides on), as a share of the reference's.`;
  const rows = comparison.rows.map((r) => [
    esc(scoreLabel(r.name)),
    esc(r.pairs),
    r.name === comparison.reference ? '(reference)' : `${num(r.withinTarget.rho, 2)} ${openInterval(r.withinTarget.ci)} · ${r.withinTarget.targets} targets`,
    r.name === comparison.reference ? '—' : num(r.rho, 2),
    r.recovery ? `${num(r.recovery.auroc, 2)} ${openInterval(r.recovery.ci)} · ${r.recovery.positives}+/${r.recovery.negatives}−` : '—',
    r.name === comparison.reference ? '1' : num(r.scale, 2),
    r.seconds === null ? '—' : num(r.seconds, 4),
    r.costShare === null ? '—' : `${(100 * r.costShare).toFixed(r.costShare < 0.1 ? 1 : 0)} %`,
  ]);
  return `<h3>Agreement, recovery and cost</h3><p>${esc(intro)}</p>${table(['score', 'pairs', 'within-target ρ', 'ρ (all pairs)', 'recovery of the curves\u2019 calls', 'scale¹', 'compute s', 'share of reference'], rows, [1, 3, 5, 6, 7])}${plantedPowerTable()}`;
}
