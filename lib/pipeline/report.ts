// The Report step: draw results/report.html, plots and CSV exports from the run's result files alone.
import { generateReport } from '../report/index.ts';
import { runLayout } from '../layout.ts';
import type { StepContext } from './context.ts';

export async function reportStep(ctx: StepContext): Promise<{ reportKey: string }> {
  await generateReport(ctx.store, ctx.runId);
  return { reportKey: runLayout(ctx.runId).report };
}
