// buildReport on synthetic runs with known laws: what is drawn, what is warned about, what is escaped, what is exported.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../lib/report/build.ts';
import { learningCurveRows } from '../../lib/report/charts/learningCurves.ts';
import { contextualSliceRows } from '../../lib/report/charts/contextualSlices.ts';
import { csvField } from '../../lib/report/csv.ts';
import { num } from '../../lib/report/html.ts';
import { A, GROUP, LAW, completeRun, failedRun, minimalRun, rateFields, sCtx } from './fixtures.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('chart data from the fitted laws', () => {
  it('draws the EXP3 line of each fit at the law it was fitted with', () => {
    const { rows } = learningCurveRows(completeRun().curves, 'random');
    const line = rows.filter((r) => r.kind === 'fit' && r.task === 'SRC' && r.approach === 'single-task');
    expect(line[0].n).toBe(16);
    expect(line.at(-1)!.n).toBe(512);
    for (const r of line) expect(r.y).toBeCloseTo(LAW.c - Math.exp(LAW.b - A.SRC * r.n!), 12);
    // observed mean over 3 seeds of law + noise in [-0.01, 0.01]
    const obs = rows.filter((r) => r.kind === 'obs' && r.task === 'SRC' && r.approach === 'single-task');
    expect(obs).toHaveLength(6);
    for (const r of obs) {
      expect(r.count).toBe(3);
      expect(Math.abs(r.y! - (LAW.c - Math.exp(LAW.b - A.SRC * r.n!)))).toBeLessThanOrEqual(0.01);
      expect(r.lo!).toBeLessThanOrEqual(r.y!);
      expect(r.hi!).toBeGreaterThanOrEqual(r.y!);
    }
  });

  it('draws no line and no band for a failed fit, but keeps its observations', () => {
    const { rows } = learningCurveRows(failedRun().curves, 'random');
    const kdrAll = rows.filter((r) => r.task === 'KDR' && r.approach === 'all tasks');
    expect(kdrAll.filter((r) => r.kind === 'fit' || r.kind === 'band')).toHaveLength(0);
    expect(kdrAll.filter((r) => r.kind === 'obs')).toHaveLength(6);
    expect(rows.filter((r) => r.kind === 'note')).toEqual([{ kind: 'note', task: 'KDR', approach: 'all tasks', note: 'all tasks fit failed: no curve' }]);
    // the missing point leaves 2 of 3 seeds at SRC n = 512; the undefined AUROC leaves 2 at FLT1 n = 16
    expect(rows.find((r) => r.kind === 'obs' && r.task === 'SRC' && r.approach === 'single-task' && r.n === 512)!.count).toBe(2);
    expect(rows.find((r) => r.kind === 'obs' && r.task === 'FLT1' && r.approach === 'single-task' && r.n === 16)!.count).toBe(2);
  });

  it('slices the EXP3.2 surface at each observed n_Σ', () => {
    const rows = contextualSliceRows(completeRun().curves, 'random').filter((r) => r.kind === 'fit' && r.task === 'KDR');
    expect([...new Set(rows.map((r) => r.nOther))]).toEqual([0, 512, 2048]);
    for (const r of rows) expect(r.y).toBeCloseTo(LAW.c - Math.exp(LAW.b - A.KDR * r.n - sCtx('KDR') * r.nOther), 12);
  });
});

describe('buildReport', () => {
  it('renders every section of a complete run, with SVG marks and PNG images', async () => {
    const report = await buildReport(completeRun());
    expect(report.plots.map((p) => p.name)).toEqual([
      'learning-curves-random', 'single-vs-all-random', 'contextual-forest-random', 'contextual-slices-random', 'pairwise-pairwise-random',
      'scores-lookahead-vs-lc', 'scores-tag-vs-lc', 'scores-tag-early-vs-lc', 'compute-cost', 'curve-model-comparison',
    ]);
    for (const p of report.plots) {
      expect(p.svg).toMatch(/^<svg [^>]*class="marks"/);
      expect(p.svg, p.name).toMatch(/class="mark-(symbol|rect|line|area|rule)/);
      expect(report.html).toContain(p.svg); // inlined
      expect([...p.png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
      const width = new DataView(p.png.buffer, p.png.byteOffset).getUint32(16);
      expect(width).toBeGreaterThan(200);
    }
    // forest plot: one point per task, and one triangle for KDR's unbounded profile end
    const forest = report.plots.find((p) => p.name === 'contextual-forest-random')!.svg;
    expect(forest.match(/<path[^>]*aria-roledescription="point"/g) ?? []).toHaveLength(5 + 1);
    expect(report.html).not.toContain('id="warnings"');
    expect(report.html).not.toContain('Not run.');
    // The comparison of the approximations: one row per score against the pairwise reference, and the branches' table.
    const comparison = report.html.slice(report.html.indexOf('<h3>Agreement, recovery and cost</h3>'));
    for (const label of ['pairwise curves s_ij (grid)', 'snapshot branches ŝ_ij', 'TAG Z, whole run (Fifty et al.)', 'TAG Z, first epoch']) expect(comparison).toContain(label);
    expect(comparison).toMatch(/8\.5 %/); // (31 + 410) / 5200 of the pairwise grid's seconds
    // …then the methods' power on planted structure, quoted as a measurement of the methods, not of this run.
    const power = comparison.slice(comparison.indexOf('<h3>Power on planted structure</h3>'));
    expect(power).toContain('not of this run');
    for (const label of ['random design s_ij (joint fit)', 'snapshot branches ŝ_ij', 'TAG Z held-out batch, first epoch']) expect(power).toContain(label);
    expect(report.html).toContain('<h3>Snapshot branches, random split</h3>');
    expect(report.html).toContain('All 20 snapshot-branch estimates');
  });

  it('shows the replicate-level interval, p, q and verdict first, and the F-test and profile interval as marked secondary columns', async () => {
    const input = completeRun();
    const { html } = await buildReport(input);
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
    for (const id of ['contextual', 'pairwise']) {
      expect(section(id)).toContain('<th class="num">95% CI</th><th class="num">p</th><th class="num">q</th><th>verdict</th>');
      expect(section(id)).toContain('<th class="num">F-test p¹</th><th class="num">profile 95% CI¹</th>');
      // One sentence on what each interval assumes.
      expect(section(id)).toContain('leave-one-replicate-out jackknife over the G replicates (fold × seed); it assumes only that replicates are independent');
      expect(section(id)).toContain('¹ F-test p and profile CI (secondary)');
      expect(section(id)).toContain('verdict is positive or negative when q &lt; 0.05');
    }
    // SRC (verdict none): the replicate interval covers 0 and comes right after s; its profile interval is in the last column. KDR: profile unbounded above.
    const src = input.transfer.contextual.find((c) => c.task === 'SRC')!;
    expect(section('contextual')).toContain(`<td>SRC</td><td class="num">${num(src.s)}</td><td class="num">[${num(src.ci![0])}, ${num(src.ci![1])}]</td><td class="num">0.4</td><td class="num">0.5</td><td><span class="verdict none">none</span></td>`);
    expect(section('contextual')).toContain(`<td class="num">[${num(src.independentPoints!.profileCi![0])}, ${num(src.independentPoints!.profileCi![1])}]</td></tr>`);
    const kdr = input.transfer.contextual.find((c) => c.task === 'KDR')!;
    expect(section('contextual')).toContain(`<td class="num">[${num(kdr.independentPoints!.profileCi![0])}, ∞]</td>`);
    expect(section('contextual')).toContain('solid, the replicate-level t interval');
    expect(section('contextual')).not.toContain('significant by the F-test at α but not');
    expect(section('contextual')).not.toContain('no profile CI');
    // A joint fit's rates have no profile interval, and the table says why.
    const joint = completeRun();
    for (const p of joint.transfer.pairwise) Object.assign(p, { design: 'random', independentPoints: { ...p.independentPoints!, profileCi: undefined, profileCiNote: 'not computed for the joint model' } });
    expect((await buildReport(joint)).html).toContain('20 estimates have no profile CI: not computed for the joint model.');
  });

  it('says when the F-test calls an estimate that the replicate-level test at the FDR does not, and keeps the replicate-level verdict', async () => {
    const input = completeRun();
    const row = input.transfer.contextual.find((c) => c.task === 'ABL1')!;
    Object.assign(row, { ci: [-9e-4, 7e-4], p: 0.3, q: 0.4, verdict: 'none' });
    Object.assign(row.independentPoints!, { p: 0.004, verdict: 'negative', profileCi: [-3e-4, -1e-5] });
    const { html } = await buildReport(input);
    expect(html).toContain('1 estimate is significant by the F-test at α but not by the replicate-level test at the FDR: read them as not shown.');
    expect(html).toMatch(/<td>ABL1<\/td><td class="num">-1.00e-4<\/td><td class="num">\[-9.00e-4, 7.00e-4\]<\/td><td class="num">0.3<\/td><td class="num">0.4<\/td><td><span class="verdict none">none<\/span><\/td>/);
  });

  it('gives no verdict where there are too few replicates, and says why', async () => {
    const input = completeRun();
    const note = '3 replicate group(s) (fold × seed): at least 4 are needed for a replicate-level interval; no verdict';
    for (const row of input.transfer.contextual) Object.assign(row, { ci: null, p: null, q: null, verdict: null, inference: { groups: 3, se: null, df: null, t: null, p: null, ci: null, note } });
    const { html } = await buildReport(input);
    expect(html).toContain(`5 of 5 estimates have no verdict: ${note}.`);
    expect(html).toContain('<span class="verdict undecided">no verdict</span>');
    expect(html).toContain('0 positive, 0 negative, 0 without a significant effect, 5 without a verdict (too few replicates)');
    expect(html).toContain('Light grey: no verdict');
  });

  it('orders the heatmap by the clustering, keeping the planted groups together', async () => {
    const report = await buildReport(completeRun());
    const svg = report.plots.find((p) => p.name === 'pairwise-pairwise-random')!.svg;
    // the x-axis labels of the source tasks, in drawing order
    const labels = [...svg.matchAll(/<text[^>]*>(ABL1|KDR|SRC|FLT1|FLT4)<\/text>/g)].map((m) => m[1]).slice(0, 5);
    const blocks = labels.map((t) => GROUP[t]).filter((g, k, all) => k === 0 || g !== all[k - 1]);
    expect(blocks).toHaveLength(2);
  });

  it('shows placebo sources next to the real estimates as the empirical null, and keeps them out of the real counts', async () => {
    const run = completeRun();
    const placeboPairs = ['KDR', 'SRC'].map((target, k) => ({
      source: 'ABL1~placebo', target, split: 'random' as const, design: 'pairwise' as const, placebo: true as const,
      ...(k === 0 ? rateFields(2e-5, 1e-4, [-1e-4, 1e-4]) : rateFields(-3e-4, 1e-4, [-4e-4, -2e-4])),
    }));
    const placeboContext = { ...run.transfer.contextual[0], placebo: true as const, s: 1e-5, p: 0.7, q: 0.7, verdict: 'none' as const };
    run.transfer.pairwise.push(...placeboPairs);
    run.transfer.contextual.push(placeboContext);
    const real = run.transfer.pairwise.filter((p) => p.design === 'pairwise' && !p.placebo);
    const report = await buildReport(run);
    expect(report.html).toContain('Placebo controls (pairwise): 0 of 2 placebo estimates called positive and 1 negative');
    expect(report.html).toContain(`Real estimates: ${real.filter((p) => p.verdict === 'positive').length} positive`);
    expect(report.html).toContain('Placebo controls (contextual): 0 of 1 placebo estimates called positive');
    expect(report.html).toContain(`${placeboContext.task} · placebo context`);
    // The glance counts the real pairs, and the placebo pairs apart.
    expect(report.html).toContain(`of ${real.length} ordered pairs. Placebo sources: 0 of 2 placebo → target pairs called positive.`);
    // The heatmap draws the placebo column after the real sources.
    const svg = report.plots.find((p) => p.name === 'pairwise-pairwise-random')!.svg;
    const labels = [...svg.matchAll(/<text[^>]*>(ABL1~placebo|ABL1|KDR|SRC|FLT1|FLT4)<\/text>/g)].map((m) => m[1]);
    expect(labels.slice(0, 6).indexOf('ABL1~placebo')).toBe(5);
  });

  it('warns about the failed point, the failed fit, the undefined AUROC and the incomplete transfer analysis, before the charts', async () => {
    const input = failedRun();
    const { html } = await buildReport(input);
    const warning = html.slice(html.indexOf('id="warnings"'), html.indexOf('</aside>'));
    expect(warning).toContain('1 training point failed or missing');
    expect(warning).toContain(input.transfer.missingPoints[0].pointId);
    expect(warning).toContain('KDR · all · exp3 · random split: the least-squares surface is flat');
    expect(warning).toContain('1 observation has no AUROC');
    expect(warning).toContain('1 transfer analysis could not be made in full');
    expect(warning).toContain('lookahead · lookahead · FLT4 · random split: no snapshot-branch job');
    expect(html.indexOf('id="warnings"')).toBeLessThan(html.indexOf('<figure'));
  });

  it('says "not run" instead of drawing empty charts', async () => {
    const report = await buildReport(minimalRun());
    expect(report.plots.map((p) => p.name)).toEqual(['learning-curves-random']);
    const section = (id: string) => report.html.slice(report.html.indexOf(`<section id="${id}">`), report.html.indexOf('</section>', report.html.indexOf(`<section id="${id}">`)));
    expect(section('contextual')).toContain("Not run.</strong> The configuration&#39;s study.designs has no &#39;contextual&#39; design.");
    expect(section('pairwise')).toContain('Not run.');
    expect(section('scores')).toContain('TAG is disabled in this configuration');
    expect(section('cost')).toContain('Not run.');
    expect(section('models')).toContain('Not run.');
    for (const id of ['contextual', 'pairwise', 'scores', 'cost', 'models']) expect(section(id)).not.toContain('<svg');
  });

  it('escapes text from the data and references nothing outside the file', async () => {
    const input = completeRun();
    const evil = '<img src=x onerror=alert(1)>';
    input.dataset.summary[0].task = evil;
    input.dataset.excluded[0].reason = '"quoted" & <b>bold</b>';
    input.config.title = '</title><script>alert(1)</script>';
    const { html } = await buildReport(input);
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    // only in-page references (SVG clip paths use url(#id)); no links or loads that leave the file
    expect(/(src|href)="(https?:)?\/\//.test(html)).toBe(false);
    expect(/@import|url\((?!#)/.test(html)).toBe(false);
  });
});

describe('CSV exports', () => {
  it('exports the curve and transfer tables so a spreadsheet reads them back', async () => {
    const input = failedRun();
    const { csv } = await buildReport(input);
    const byName = Object.fromEntries(csv.map((c) => [c.name, parse(c.text, { columns: true }) as Record<string, string>[]]));
    expect(byName['curves-observations']).toHaveLength(input.curves.observations.length);
    const fit = byName['curves-fits'].find((r) => r.task === 'SRC' && r.design === 'single')!;
    expect(Number(fit.a)).toBe(A.SRC);
    expect(Number(fit.a_ci_lo)).toBeCloseTo(A.SRC * 0.97, 15);
    const failed = byName['curves-fits'].find((r) => r.task === 'KDR' && r.design === 'all')!;
    expect(failed.status).toBe('failed');
    expect(failed.a).toBe('');
    expect(byName['transfer-pairwise']).toHaveLength(20);
    expect(byName['transfer-contextual'].map((r) => r.verdict).sort()).toEqual(['negative', 'none', 'positive', 'positive', 'positive']);
    const kdrRow = input.transfer.contextual.find((c) => c.task === 'KDR')!;
    const kdr = byName['transfer-contextual'].find((r) => r.task === 'KDR')!;
    expect(Number(kdr.s_ci_lo)).toBe(kdrRow.ci![0]);
    expect(Number(kdr.se)).toBe(kdrRow.inference.se);
    expect(kdr.df).toBe('4');
    expect(Number(kdr.q)).toBe(kdrRow.q);
    expect(Number(kdr.a_ci_hi)).toBe(kdrRow.aCi![1]);
    expect(Number(kdr.f_test_p)).toBe(kdrRow.independentPoints!.p);
    expect(Number(kdr.s_profile_lo)).toBe(kdrRow.independentPoints!.profileCi![0]);
    expect(kdr.s_profile_hi).toBe('unbounded');
    expect(kdr).not.toHaveProperty('bootstrap_groups');
    expect(Number(byName['transfer-pairwise'][0].s_profile_hi)).toBe(input.transfer.pairwise[0].independentPoints!.profileCi![1]);
    const gap = byName['transfer-single-vs-all'][0];
    expect(Number(gap.gap_ci_hi) - Number(gap.gap_ci_lo)).toBeCloseTo(0.008, 12);
    expect(gap.family).toBe('single-vs-all random');
    expect(byName['missing-points'][0].reason).toContain('out of memory');
    expect(byName['curves-observations'].filter((r) => r.auroc === '')).toHaveLength(1);
  });

  it('quotes commas, quotes and line breaks, and defuses formula-looking text', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });
});
