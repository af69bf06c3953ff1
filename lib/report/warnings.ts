// What went wrong in a run that a reader must know before trusting a chart: failed/missing points, failed fits, undefined metrics.
import type { ReportInput } from './types.ts';

export interface WarningGroup {
  title: string;
  items: string[];
}

export function collectWarnings(input: ReportInput): WarningGroup[] {
  const groups: WarningGroup[] = [];
  const { missingPoints } = input.transfer;
  if (missingPoints.length) {
    groups.push({
      title: `${missingPoints.length} training point${missingPoints.length === 1 ? '' : 's'} failed or missing — the curves and transfer estimates use the remaining points only`,
      items: missingPoints.map((p) => `${p.pointId}: ${p.reason}`),
    });
  }
  const failed = input.curves.fits.filter((f) => f.status === 'failed');
  if (failed.length) {
    groups.push({
      title: `${failed.length} curve fit${failed.length === 1 ? '' : 's'} failed — no curve is drawn for ${failed.length === 1 ? 'it' : 'them'}`,
      items: failed.map((f) => `${f.task} · ${f.design} · ${f.model}${f.source ? ` · source ${f.source}` : ''} · ${f.split} split: ${f.error ?? 'no reason recorded'}`),
    });
  }
  const notMade = input.transfer.failed ?? [];
  if (notMade.length) {
    groups.push({
      title: `${notMade.length} transfer ${notMade.length === 1 ? 'analysis' : 'analyses'} could not be made in full — the tables lack the estimates named (a curve fit that failed is listed above too)`,
      items: notMade.map((f) => `${f.analysis} · ${f.design}${f.source ? ` · ${f.source} → ${f.task}` : ` · ${f.task}`} · ${f.split} split: ${f.reason}`),
    });
  }
  const undefinedY = input.curves.observations.filter((o) => o.y === null);
  if (undefinedY.length) {
    const byTask = new Map<string, number>();
    for (const o of undefinedY) byTask.set(o.task, (byTask.get(o.task) ?? 0) + 1);
    groups.push({
      title: `${undefinedY.length} observation${undefinedY.length === 1 ? ' has' : 's have'} no AUROC (the test fold held one class only) and ${undefinedY.length === 1 ? 'is' : 'are'} left out`,
      items: [...byTask].map(([task, count]) => `${task}: ${count}`),
    });
  }
  return groups;
}
