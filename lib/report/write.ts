// Writes a built report into the run's results/ folder of a store (keys from lib/layout.ts).
import { runLayout } from '../layout.ts';
import type { ObjectStore } from '../storage/port.ts';
import { buildReport, type BuildOptions } from './build.ts';
import { loadReportInput, type LoadOptions } from './load.ts';
import type { Report, ReportInput } from './types.ts';

/** Keys of every file of a report: results/report.html, results/plots/<name>.svg|png, results/<name>.csv. */
export function reportKeys(runId: string, report: Pick<Report, 'plots' | 'csv'>): string[] {
  const layout = runLayout(runId);
  return [
    layout.report,
    ...report.plots.flatMap((p) => [`${layout.plots}${p.name}.svg`, `${layout.plots}${p.name}.png`]),
    ...report.csv.map((c) => `${layout.results}${c.name}.csv`),
  ];
}

/** Builds the report and stores it; returns the keys written (the HTML last, so its presence means the report is complete). */
export async function writeReport(store: ObjectStore, runId: string, input: ReportInput, options: BuildOptions = {}): Promise<string[]> {
  const report = await buildReport(input, options);
  const layout = runLayout(runId);
  const keys: string[] = [];
  for (const p of report.plots) {
    await store.put(`${layout.plots}${p.name}.svg`, p.svg, 'image/svg+xml');
    await store.put(`${layout.plots}${p.name}.png`, p.png, 'image/png');
    keys.push(`${layout.plots}${p.name}.svg`, `${layout.plots}${p.name}.png`);
  }
  for (const c of report.csv) {
    await store.put(`${layout.results}${c.name}.csv`, c.text, 'text/csv; charset=utf-8');
    keys.push(`${layout.results}${c.name}.csv`);
  }
  await store.put(layout.report, report.html, 'text/html; charset=utf-8');
  keys.push(layout.report);
  return keys;
}

/** The Report step in one call: read the run's result files from the store and write the report beside them. */
export async function generateReport(store: ObjectStore, runId: string, options: BuildOptions & LoadOptions = {}): Promise<string[]> {
  return writeReport(store, runId, await loadReportInput(store, runId, options), options);
}
