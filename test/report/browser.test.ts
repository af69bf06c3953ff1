// Opens the built reports in a real headless Chromium: every chart rendered with marks, no console errors,
// no network requests, the warning visible for the failed run. Screenshots go to test-output/report/.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../lib/report/build.ts';
import type { ReportInput } from '../../lib/report/types.ts';
import { repoRoot } from '../helpers/paths.ts';
import { completeRun, failedRun, minimalRun } from './fixtures.ts';

const CHROMIUM = process.env.MTLC_CHROMIUM ?? '/usr/bin/chromium';
const outDir = path.join(repoRoot, 'test-output', 'report');

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set MTLC_CHROMIUM`);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Writes the report to disk, opens it from file://, and returns what the page did. */
async function openReport(name: string, input: ReportInput) {
  const report = await buildReport(input);
  const dir = path.join(outDir, name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'report.html');
  await writeFile(file, report.html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => {
    if (req.url() !== url) requests.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  const charts = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      // vega draws each mark as a path/line/text inside a g.mark-* group; count the drawn shapes of data marks.
      const shapes = svg ? svg.querySelectorAll('g.mark-symbol path, g.mark-rect path, g.mark-line path, g.mark-area path, g.mark-rule line').length : 0;
      return { name: f.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, shapes };
    }),
  );
  await page.screenshot({ path: path.join(dir, 'top.png') });
  await page.screenshot({ path: path.join(dir, 'full.png'), fullPage: true });
  return { page, report, charts, errors, requests };
}

describe('report in a real browser', () => {
  it('renders every chart of the complete run, with no console errors and no network', async () => {
    const { page, report, charts, errors, requests } = await openReport('complete', completeRun());
    expect(charts.map((c) => c.name)).toEqual(report.plots.map((p) => p.name));
    expect(charts.length).toBe(10);
    for (const c of charts) {
      expect(c.width, c.name ?? '').toBeGreaterThan(100);
      expect(c.height, c.name ?? '').toBeGreaterThan(50);
      expect(c.shapes, c.name ?? '').toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#warnings').count()).toBe(0);
    await page.close();
  });

  it('shows the failed point and the failed fit in a visible warning box', async () => {
    const input = failedRun();
    const { page, errors, requests } = await openReport('failed', input);
    const warning = page.locator('#warnings');
    expect(await warning.isVisible()).toBe(true);
    const text = await warning.innerText();
    expect(text).toContain(input.transfer.missingPoints[0].pointId);
    expect(text).toContain('out of memory');
    expect(text).toMatch(/KDR · all · exp3/);
    // The warning is above the fold: a reader sees it before any chart.
    const box = await warning.boundingBox();
    expect(box!.y).toBeLessThan(900);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('says "not run" for the sections a minimal run did not produce', async () => {
    const { page, charts, errors } = await openReport('minimal', minimalRun());
    expect(charts.map((c) => c.name)).toEqual(['learning-curves-random']);
    const notRun = await page.locator('.not-run').allInnerTexts();
    expect(notRun.length).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#pairwise .not-run').innerText()).toMatch(/Not run\. .*neither 'pairwise' nor 'random'/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
