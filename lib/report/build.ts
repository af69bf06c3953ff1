// buildReport: the input files → charts (SVG + PNG), the self-contained HTML page and the CSV exports.
import type { PairwiseTransfer } from '../results.ts';
import type { SplitKind } from '../types.ts';
import type { ChartDef } from './charts/chart.ts';
import { comparisonChart } from './charts/comparison.ts';
import { contextualSlicesChart } from './charts/contextualSlices.ts';
import { costChart } from './charts/cost.ts';
import { forestChart } from './charts/forest.ts';
import { gapChart } from './charts/gap.ts';
import { pairwiseHeatmap } from './charts/heatmap.ts';
import { learningCurvesChart } from './charts/learningCurves.ts';
import { joinPairs, scoreScatter } from './charts/scatter.ts';
import { reportCsvs } from './csv.ts';
import { esc, notRun } from './html.ts';
import { comparisonTable, lookaheadTable } from './approximations.ts';
import { controlsHtml } from './controls.ts';
import { methodsHtml } from './methods.ts';
import { clusterOrder } from './order.ts';
import { page, type PagePart } from './page.ts';
import { chartFontFiles, renderSvg, svgToPng } from './render.ts';
import {
  agreementTable, contextualTable, costTable, downloadsHtml, figure, gapTable, glanceHtml, levelOf, pairwiseTable, studyHtml, tagGroupsHtml, warningsHtml,
  type RenderedChart,
} from './sections.ts';
import type { Report, ReportInput } from './types.ts';
import { collectWarnings } from './warnings.ts';

export interface BuildOptions {
  /** Font files for the PNGs (default: the shipped DejaVu Sans, or $MTLC_FONT_DIR). */
  fontFiles?: string[];
}

export async function buildReport(input: ReportInput, options: BuildOptions = {}): Promise<Report> {
  const fontFiles = options.fontFiles ?? chartFontFiles();
  const rendered: RenderedChart[] = [];
  const draw = async (chart: ChartDef | undefined): Promise<string | undefined> => {
    if (!chart) return undefined;
    const svg = await renderSvg(chart.spec);
    const done = { ...chart, svg, png: svgToPng(svg, fontFiles) };
    rendered.push(done);
    return figure(done);
  };

  const tasks = taskOrder(input);
  const splits = splitsOf(input);
  const designs = new Set(input.config.study.designs);
  const sections: PagePart[] = [];

  sections.push({ id: 'study', title: 'The study', html: studyHtml(input) });

  // Learning curves: single vs all tasks.
  let curvesHtml = '';
  for (const split of splits) {
    curvesHtml += (await draw(learningCurvesChart(input.curves, split, tasks))) ?? '';
    curvesHtml += ((await draw(gapChart(input.transfer.singleVsAll, split))) ?? '') + gapTable(input.transfer.singleVsAll.filter((g) => g.split === split), levelOf(input));
  }
  if (!curvesHtml) {
    curvesHtml = designs.has('single') || designs.has('all')
      ? notRun('The single/all designs were configured but produced no observations (see the warnings).')
      : notRun("The configuration's study.designs has neither 'single' nor 'all'.");
  }
  sections.push({ id: 'curves', title: 'Learning curves', html: curvesHtml });

  // Contextual transfer.
  let ctxHtml = '';
  for (const split of splits) {
    const forest = await draw(forestChart(input.transfer.contextual, split));
    if (forest) ctxHtml += forest + contextualTable(input, split);
    ctxHtml += (await draw(contextualSlicesChart(input.curves, split, tasks))) ?? '';
  }
  if (!ctxHtml) {
    ctxHtml = designs.has('contextual')
      ? notRun('The contextual design was configured but produced no estimates (see the warnings).')
      : notRun("The configuration's study.designs has no 'contextual' design.");
  }
  sections.push({ id: 'contextual', title: 'Contextual transfer', html: ctxHtml });

  // Pairwise transfer: one heatmap per split and estimating design.
  let pairHtml = '';
  for (const split of splits) {
    for (const design of ['pairwise', 'random'] as const) {
      const rows = input.transfer.pairwise.filter((p) => p.split === split && p.design === design);
      if (rows.length === 0) continue;
      const title = `Pairwise transfer s_ij, ${split} split (${design === 'pairwise' ? 'pairwise grid' : 'joint fit of the random design'})`;
      // Placebo sources are columns of the heatmap too, after the real ones: the null next to every target's row.
      pairHtml +=
        ((await draw(pairwiseHeatmap(`pairwise-${design}-${split}`, title, rows, pairOrder(rows, tasks)))) ?? '') +
        controlsHtml('pairwise', rows, input.config.study.fdr) +
        pairwiseTable(rows, levelOf(input), input.config.study.fdr);
    }
  }
  if (!pairHtml) {
    pairHtml = designs.has('pairwise') || designs.has('random')
      ? notRun('A pairwise or random design was configured but produced no estimates (see the warnings).')
      : notRun("The configuration's study.designs has neither 'pairwise' nor 'random'.");
  }
  sections.push({ id: 'pairwise', title: 'Pairwise transfer', html: pairHtml });

  // The snapshot branches and TAG next to the learning-curve scores.
  sections.push({ id: 'scores', title: 'Efficient approximations (snapshot branches, TAG) vs learning curves', html: await scoresSection(input, splits, draw) });

  // Compute cost and curve models.
  sections.push({
    id: 'cost',
    title: 'Compute cost',
    html: Object.keys(input.transfer.cost).length ? ((await draw(costChart(input.transfer.cost))) ?? '') + costTable(input) : notRun('No compute cost was recorded.'),
  });
  sections.push({
    id: 'models',
    title: 'Curve-model comparison',
    html: (await draw(comparisonChart(input.curves.comparison))) ?? notRun('No curve-model comparison was recorded (curves need enough anchors to hold the larger ones out).'),
  });
  sections.push({ id: 'methods', title: 'Methods', html: methodsHtml(input.config) });

  const csv = reportCsvs(input.curves, input.transfer);
  sections.push({ id: 'downloads', title: 'Downloads', html: downloadsHtml(csv.map((c) => c.name), rendered.map((r) => r.name)) });

  const title = input.config.title ?? `mtlc study ${input.runId}`;
  const html = page({
    title,
    subtitle: `Transfer between tasks measured with multi-task learning curves · data set ${input.dataset.name} · run ${input.runId}`,
    warnings: warningsHtml(collectWarnings(input)),
    glance: glanceHtml(input, splits),
    sections,
    footer: `Generated ${input.generatedAt} by mtlc from the run's result files (curves.json, transfer.json).`,
  });
  return { html, plots: rendered.map(({ name, svg, png }) => ({ name, svg, png })), csv };
}

/** The selected tasks in the data set's order, then any other task that appears in the results. */
function taskOrder(input: ReportInput): string[] {
  const seen = new Set(input.dataset.summary.map((t) => t.task));
  const order = [...seen];
  for (const o of input.curves.observations) if (!seen.has(o.task)) (seen.add(o.task), order.push(o.task));
  return order;
}

/** Splits with any result, in the configuration's order. */
function splitsOf(input: ReportInput): SplitKind[] {
  const present = new Set<SplitKind>([
    ...input.curves.observations.map((o) => o.split),
    ...input.curves.fits.map((f) => f.split),
    ...input.transfer.contextual.map((c) => c.split),
    ...input.transfer.pairwise.map((p) => p.split),
    ...input.transfer.singleVsAll.map((s) => s.split),
  ]);
  const ordered = input.config.split.kinds.filter((k) => present.has(k));
  return [...ordered, ...[...present].filter((k) => !ordered.includes(k))];
}

function pairOrder(rows: readonly PairwiseTransfer[], tasks: readonly string[]): string[] {
  const real = rows.filter((r) => !r.placebo);
  const involved = new Set(real.flatMap((r) => [r.source, r.target]));
  const base = [...tasks.filter((t) => involved.has(t)), ...[...involved].filter((t) => !tasks.includes(t))];
  const s = new Map(real.map((r) => [`${r.source}\u0000${r.target}`, r.s]));
  const placebos = [...new Set(rows.filter((r) => r.placebo).map((r) => r.source))].sort();
  return [...clusterOrder(base, (src, tgt) => s.get(`${src}\u0000${tgt}`)), ...placebos];
}

async function scoresSection(input: ReportInput, splits: readonly SplitKind[], draw: (c: ChartDef | undefined) => Promise<string | undefined>): Promise<string> {
  const { transfer, config } = input;
  // The learning-curve pair score: the pairwise grid's s_ij if run, else the random design's joint fit; first split.
  const lc =
    splits.map((split) => transfer.pairwise.filter((p) => p.split === split && p.design === 'pairwise' && !p.placebo)).find((r) => r.length) ??
    splits.map((split) => transfer.pairwise.filter((p) => p.split === split && p.design === 'random' && !p.placebo)).find((r) => r.length) ??
    [];
  const s = lc.map((p) => ({ source: p.source, target: p.target, value: p.s }));
  const z = transfer.tag.map((t) => ({ source: t.source, target: t.target, value: t.z }));
  const zEarly = transfer.tag.flatMap((t) => (t.zEarly === undefined ? [] : [{ source: t.source, target: t.target, value: t.zEarly }]));
  const lookSplit = splits.find((split) => transfer.lookahead.some((l) => l.split === split));
  const d = transfer.lookahead.filter((l) => l.split === lookSplit && !l.placebo).map((l) => ({ source: l.source, target: l.target, value: l.s }));
  let html = comparisonTable(transfer.comparison, levelOf(input));
  for (const split of splits) {
    const rows = transfer.lookahead.filter((l) => l.split === split);
    const efficiency = transfer.lookaheadEfficiency?.find((e) => e.split === split);
    if (rows.length) html += `<h3>Snapshot branches, ${esc(split)} split</h3>${lookaheadTable(rows, levelOf(input), config.study.fdr, efficiency)}`;
  }
  const pairsOf: [string, string, string, typeof s, typeof s][] = [
    ['scores-lookahead-vs-lc', 'learning-curve s_ij', 'snapshot branches ŝ_ij', s, d],
    ['scores-tag-vs-lc', 'learning-curve s_ij', 'TAG Z_j→i (whole run)', s, z],
    ['scores-tag-early-vs-lc', 'learning-curve s_ij', 'TAG Z_j→i (first epoch)', s, zEarly],
  ];
  let scatters = '';
  for (const [name, xLabel, yLabel, xs, ys] of pairsOf) {
    const sc = scoreScatter(name, xLabel, yLabel, joinPairs(xs, ys));
    if (sc) scatters += (await draw(sc.chart)) ?? '';
  }
  if (scatters) html += `<div class="chart-grid">${scatters}</div>`;
  if (!z.length) html += notRun(config.study.tag.enabled ? 'TAG was enabled but recorded no affinities (see the warnings).' : 'TAG is disabled in this configuration (study.tag.enabled).');
  if (!d.length) html += notRun(config.study.lookahead.enabled ? 'The snapshot branches were enabled but gave no estimates (see the warnings).' : 'The snapshot branches are disabled in this configuration (study.lookahead.enabled).');
  if (!s.length && (z.length || d.length)) html += notRun('No pairwise learning-curve scores s_ij to compare with: neither the pairwise nor the random design was run.');
  return html + tagGroupsHtml(input) + agreementTable(input);
}
