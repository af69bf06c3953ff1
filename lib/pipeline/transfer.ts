// The Transfer step: reads results/curves.json (written by the Fit steps, lib/pipeline/fits.ts) and writes
// results/transfer.json (transfer effects, TAG, the snapshot branches, agreement, cost) without fitting any curve.
// Its points are those the curves were fitted from: the Fit step's inputs document, one read.
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { StoredCurves } from '../documents.ts';
import { readChecked } from '../storage/checked.ts';
import { putJson } from '../storage/port.ts';
import { deriveTransfer } from '../transfer/index.ts';
import type { StepContext } from './context.ts';
import { readFitInputs } from './fits.ts';

export async function transferStep(ctx: StepContext): Promise<{ pairs: number }> {
  const key = runLayout(ctx.runId).curves;
  const curves = await readChecked(ctx.store, key, StoredCurves);
  if (!curves) throw new ComputationError(`run '${ctx.runId}' has no ${ctx.store.describe(key)}: the Fit step has not run`);
  const transfer = deriveTransfer(curves, (await readFitInputs(ctx)).input);
  await putJson(ctx.store, runLayout(ctx.runId).transfer, transfer);
  return { pairs: transfer.pairwise.length };
}
