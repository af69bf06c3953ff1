// The sections of the report page, each from the input and its rendered charts. Empty sections say "not run".
import type { FdrVerdict, PairwiseTransfer, SingleVsAll } from '../results.ts';
import type { SplitKind } from '../types.ts';
import type { ChartDef } from './charts/chart.ts';
import { formatSeconds } from './charts/cost.ts';
import { esc, facts, num, table } from './html.ts';
import type { ReportInput } from './types.ts';
import { estimateCells, INDEPENDENT_POINTS_MARK, intervalNotes, openInterval, profileEnds, verdictCount } from './intervals.ts';
import { contextualLabel, controlsHtml } from './controls.ts';
import type { WarningGroup } from './warnings.ts';

export type RenderedChart = ChartDef & { svg: string; png: Uint8Array };

export function figure(chart: RenderedChart): string {
  return `<figure class="chart" data-chart="${esc(chart.name)}">
<figcaption class="chart-title">${esc(chart.title)}</figcaption>
<div class="svg-wrap">${chart.svg}</div>
<p class="caption">${esc(chart.caption)} <a href="plots/${esc(chart.name)}.svg">SVG</a> · <a href="plots/${esc(chart.name)}.png">PNG</a></p>
</figure>`;
}

export function warningsHtml(groups: readonly WarningGroup[]): string {
  if (groups.length === 0) return '';
  const body = groups
    .map((g) => {
      const shown = g.items.slice(0, 50);
      const more = g.items.length > shown.length ? `<li>… and ${g.items.length - shown.length} more (see missing-points.csv / curves-fits.csv)</li>` : '';
      return `<h3>${esc(g.title)}</h3><ul>${shown.map((i) => `<li>${esc(i)}</li>`).join('')}${more}</ul>`;
    })
    .join('\n');
  return `<aside class="warning" role="alert" id="warnings"><h2>Warning: this run is incomplete</h2>\n${body}</aside>`;
}

/** A few lines a reader takes away before the details. */
export function glanceHtml(input: ReportInput, splits: readonly SplitKind[]): string {
  const { transfer, curves } = input;
  const lines: string[] = [];
  const runs = new Set(curves.observations.map((o) => o.pointId)).size;
  lines.push(`${input.dataset.summary.length} tasks, ${runs} training runs with results${transfer.missingPoints.length ? `, ${transfer.missingPoints.length} failed or missing` : ''}.`);
  const fdr = input.config.study.fdr;
  const undecided = (rows: readonly FdrVerdict[]) => (verdictCount(rows, null) ? `, ${verdictCount(rows, null)} without a verdict (too few replicates)` : '');
  for (const split of splits) {
    const ctx = transfer.contextual.filter((c) => c.split === split && !c.placebo);
    const ctxPlacebo = transfer.contextual.filter((c) => c.split === split && c.placebo);
    if (ctx.length) {
      const best = [...ctx].sort((p, q) => q.s - p.s)[0];
      const hurt = ctx.filter((c) => c.verdict === 'negative').map((c) => c.task);
      lines.push(
        `Contextual transfer (${split} split, FDR ${fdr}): ${verdictCount(ctx, 'positive')} positive, ${verdictCount(ctx, 'negative')} negative, ${verdictCount(ctx, 'none')} without a significant effect${undecided(ctx)}; largest s_i for ${best.task} (one auxiliary sample is worth ${num(best.exchangeRate)} of its own samples).` +
          (hurt.length ? ` Hurt by the other tasks: ${hurt.join(', ')}.` : '') +
          (ctxPlacebo.length ? ` Placebo contexts (labels shuffled): ${verdictCount(ctxPlacebo, 'positive')} of ${ctxPlacebo.length} called positive.` : ''),
      );
    }
    const pw = transfer.pairwise.filter((p) => p.split === split && !p.placebo);
    const pwPlacebo = transfer.pairwise.filter((p) => p.split === split && p.placebo);
    if (pw.length) {
      lines.push(
        `Pairwise transfer (${split} split, FDR ${fdr}): ${verdictCount(pw, 'positive')} positive and ${verdictCount(pw, 'negative')} negative of ${pw.length} ordered pairs${undecided(pw)}.` +
          (pwPlacebo.length ? ` Placebo sources: ${verdictCount(pwPlacebo, 'positive')} of ${pwPlacebo.length} placebo → target pairs called positive.` : ''),
      );
    }
    const gaps = transfer.singleVsAll.filter((g) => g.split === split).flatMap((g) => g.byN);
    if (gaps.some((g) => g.p !== null)) {
      lines.push(`Single vs all tasks (${split} split): training with the other tasks helps at ${verdictCount(gaps, 'positive')} and hurts at ${verdictCount(gaps, 'negative')} of ${gaps.length} (task, n) sizes.`);
    }
  }
  for (const [key, a] of Object.entries(transfer.agreement)) {
    if (a.rho !== null) lines.push(`Rank agreement ${key}: ρ = ${num(a.rho, 2)} over ${a.pairs} pairs.`);
  }
  return `<ul class="glance">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
}

/** "2: c17, c42" — the count and the compound ids (the first 50, then how many more). */
function skippedText(count: number, ids: readonly string[] | undefined): string {
  if (!ids?.length) return String(count);
  const shown = ids.slice(0, 50).join(', ');
  return `${count}: ${shown}${ids.length > 50 ? `, and ${ids.length - 50} more` : ''}`;
}

export function studyHtml(input: ReportInput): string {
  const { config, dataset, environment } = input;
  const designs = config.study.designs.join(', ');
  const grid = `${config.study.grid.min} … ${config.study.grid.max}, ×${config.study.grid.factor}`;
  const overview = facts([
    ['Run', esc(input.runId)],
    ['Data set', esc(dataset.name)],
    ['Tasks', `${dataset.summary.length} selected, ${dataset.excluded.length} excluded`],
    ['Invalid SMILES skipped', esc(skippedText(dataset.invalidSmiles, dataset.skippedCompounds))],
    ['Split', esc(`${config.split.kinds.join(' and ')} by compound, ${config.split.folds} folds, test fold(s) ${config.split.useFolds.join(', ')}, split seed ${config.split.seed}`)],
    ['Seeds', esc(config.study.seeds)],
    ['Designs', esc(designs)],
    ['Sample-size grid', esc(grid)],
    ['Model', esc(`trunk ${config.model.hidden.join('→')}, dropout ${config.model.dropout}, ≤ ${config.model.maxSteps} steps (check every ${config.model.evalEvery}, patience ${config.model.patience}), batch ${config.model.batchSize}, lr ${config.model.learningRate}`)],
    ['Features', esc(config.dataset.features ? 'user-supplied vectors' : `ECFP radius ${config.features.radius}, ${config.features.nBits} bits`)],
    ['Backend / device', esc(`${environment.backend} / ${environment.device}`)],
  ]);
  const tasks = dataset.summary.length
    ? table(
        ['task', 'labelled', 'positives', 'negatives', 'positive rate'],
        dataset.summary.map((t) => [esc(t.task), esc(t.labelled), esc(t.positives), esc(t.negatives), t.labelled ? `${(100 * t.positives / t.labelled).toFixed(1)}%` : '—']),
        [1, 2, 3, 4],
      )
    : '<p>No task summary was recorded.</p>';
  const excluded = dataset.excluded.length
    ? `<h3>Excluded tasks</h3>${table(['task', 'reason'], dataset.excluded.map((e) => [esc(e.task), esc(e.reason)]))}`
    : '<h3>Excluded tasks</h3><p>None.</p>';
  const notes = dataset.notes.length ? `<h3>Data notes</h3><ul>${dataset.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const versions = Object.keys(environment.versions).length
    ? `<h3>Versions</h3>${table(['component', 'version'], Object.entries(environment.versions).sort(([p], [q]) => p.localeCompare(q)).map(([k, v]) => [esc(k), esc(v)]))}`
    : '';
  const configJson = `<details><summary>Full configuration (config.json, with defaults filled in)</summary><pre>${esc(JSON.stringify(config, null, 2))}</pre></details>`;
  return `${overview}<h3>Selected tasks</h3>${tasks}${excluded}${notes}${versions}${configJson}`;
}

/** "95%" for the intervals of a run at level 1 − study.alpha. */
const levelOf = (input: ReportInput) => `${Number((100 * (1 - input.config.study.alpha)).toPrecision(4))}%`;

/**
 * Per task: s_i with its replicate-level interval, p, q and verdict, a_i and the exchange rate s_i/a_i with their
 * intervals, and the secondary F-test p and profile interval, under the notes a reader needs to weigh them.
 */
export function contextualTable(input: ReportInput, split: SplitKind): string {
  const rows = input.transfer.contextual.filter((c) => c.split === split).sort((p, q) => q.s - p.s);
  const level = levelOf(input);
  const mark = INDEPENDENT_POINTS_MARK;
  return (
    controlsHtml('contextual', rows, input.config.study.fdr) +
    intervalNotes(rows, level, input.config.study.fdr) +
    table(
      ['task', 's_i', `${level} CI`, 'p', 'q', 'verdict', 'a_i', `${level} CI`, 'exchange rate s/a', `${level} CI`, `F-test p${mark}`, `profile ${level} CI${mark}`],
      rows.map((c) => [
        esc(contextualLabel(c)),
        ...estimateCells(c.s, c),
        num(c.a),
        openInterval(c.aCi),
        num(c.exchangeRate),
        openInterval(c.exchangeRateCi),
        num(c.independentPoints?.p ?? null, 2),
        openInterval(profileEnds(c)),
      ]),
      [1, 2, 3, 4, 6, 7, 8, 9, 10, 11],
    )
  );
}

/** Every ordered pair: s_ij with its replicate-level interval, p, q and verdict, and the secondary F-test p and profile interval (the notes stay visible above the fold). */
export function pairwiseTable(rows: readonly PairwiseTransfer[], level: string, fdr: number): string {
  const sorted = [...rows].sort((p, q) => q.s - p.s);
  const mark = INDEPENDENT_POINTS_MARK;
  return `${intervalNotes(rows, level, fdr)}<details><summary>All ${rows.length} ordered pairs</summary>${table(
    ['source j', 'target i', 's_ij', `${level} CI`, 'p', 'q', 'verdict', 'exchange rate s/a', `${level} CI`, `F-test p${mark}`, `profile ${level} CI${mark}`],
    sorted.map((p) => [
      esc(p.source),
      esc(p.target),
      ...estimateCells(p.s, p),
      p.exchangeRate === undefined ? '—' : num(p.exchangeRate),
      openInterval(p.exchangeRateCi),
      num(p.independentPoints?.p ?? null, 2),
      openInterval(profileEnds(p)),
    ]),
    [2, 3, 4, 5, 7, 8, 9, 10],
  )}</details>`;
}

/** The single-vs-all gap of every task at every n, with its replicate-level interval, p, q and verdict. */
export function gapTable(rows: readonly SingleVsAll[], level: string): string {
  const cells = rows.flatMap((r) => r.byN.filter((b) => b.gap !== null).map((b) => ({ task: r.task, ...b })));
  if (cells.length === 0) return '';
  return `<details><summary>The gap at each of ${cells.length} (task, n)</summary>${table(
    ['task', 'n', 'single', 'all', 'gap', `${level} CI`, 'p', 'q', 'verdict'],
    cells.map((c) => [esc(c.task), esc(c.full ? `full (mean ${c.n})` : c.n), num(c.single!), num(c.all!), ...estimateCells(c.gap!, c)]),
    [1, 2, 3, 4, 5, 6, 7],
  )}</details>`;
}

/** The level of a run's intervals as printed in table headers ("95%"). */
export { levelOf };

export function costTable(input: ReportInput): string {
  const entries = Object.entries(input.transfer.cost).sort(([, p], [, q]) => q.seconds - p.seconds);
  return table(
    ['approach', 'compute', 'seconds', 'training runs', 'device', 'backend'],
    entries.map(([k, c]) => [esc(k), esc(formatSeconds(c.seconds)), num(c.seconds, 4), c.points === undefined ? '—' : esc(c.points), esc(c.device), esc(c.backend)]),
    [1, 2, 3],
  );
}

export function tagGroupsHtml(input: ReportInput): string {
  const g = input.transfer.tagGroups;
  if (!g) return '';
  const items = g.groups.map((grp, k) => `<li><strong>Group ${k + 1}:</strong> ${esc(grp.join(', '))}</li>`).join('');
  return `<h3>TAG grouping</h3><p>${esc(`Grouping of the tasks that maximises the total within-group TAG affinity (${g.method === 'exact' ? 'exact search over all partitions' : 'hierarchical clustering'}; score ${num(g.score)}).`)}</p><ul>${items}</ul>`;
}

export function agreementTable(input: ReportInput): string {
  const entries = Object.entries(input.transfer.agreement);
  if (entries.length === 0) return '';
  return `<h3>Rank agreement recorded by the transfer step</h3>${table(['scores compared', 'Spearman ρ', 'pairs'], entries.map(([k, a]) => [esc(k), num(a.rho, 3), esc(a.pairs)]), [1, 2])}`;
}

export function downloadsHtml(csvNames: readonly string[], plotNames: readonly string[]): string {
  const csv = csvNames.map((n) => `<li><a href="${esc(n)}.csv">${esc(n)}.csv</a></li>`).join('');
  const plots = plotNames.map((n) => `<li>${esc(n)}: <a href="plots/${esc(n)}.svg">SVG</a> · <a href="plots/${esc(n)}.png">PNG</a></li>`).join('');
  return `<p>Files beside this report in the run's <code>results/</code> folder.</p><div class="cols"><div><h3>Tables (CSV)</h3><ul>${csv}</ul></div><div><h3>Charts</h3><ul>${plots}</ul></div></div>`;
}
