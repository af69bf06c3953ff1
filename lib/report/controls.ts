// Placebo controls in the report: how the label-shuffled sources fared next to the real ones (docs/methods.md,
// "Placebo controls") — the empirical null a reader weighs every transfer claim against.
import type { ContextualTransfer, LookaheadEstimate, PairwiseTransfer } from '../results.ts';
import { esc, num } from './html.ts';
import { verdictCount } from './intervals.ts';

/** The row label of a contextual estimate: the task, marked when its context was the placebo copies. */
export function contextualLabel(c: Pick<ContextualTransfer, 'task' | 'placebo'>): string {
  return c.placebo ? `${c.task} · placebo context` : c.task;
}

/** One paragraph: how many placebo estimates were called positive / negative at the FDR, next to the real ones. */
export function controlsHtml(what: string, rows: readonly Pick<ContextualTransfer | PairwiseTransfer | LookaheadEstimate, 's' | 'placebo' | 'verdict'>[], fdr: number): string {
  const placebo = rows.filter((r) => r.placebo);
  if (placebo.length === 0) return '';
  const real = rows.filter((r) => !r.placebo);
  const sorted = placebo.map((r) => r.s).sort((a, b) => a - b);
  const range = `${num(sorted[0])} … ${num(sorted[sorted.length - 1])}`;
  const text =
    `Placebo controls (${what}): ${verdictCount(placebo, 'positive')} of ${placebo.length} placebo estimates called positive and ${verdictCount(placebo, 'negative')} negative ` +
    `(the placebos are a family of their own: with no transfer in it, the chance of even one call is at most the FDR, ${fdr}); placebo s ranges over ${range}. ` +
    `Real estimates: ${verdictCount(real, 'positive')} positive, ${verdictCount(real, 'negative')} negative of ${real.length}. ` +
    'A placebo source has the same compounds as a real task with its labels shuffled: it carries no information, so a positive placebo verdict is a false positive of the whole procedure, and a negative one is interference (a trunk that fits noise), not a property of a task.';
  return `<p class="controls">${esc(text)}</p>`;
}
