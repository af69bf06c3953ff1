// The intervals and verdicts of a transfer rate as the report shows them: the replicate-level interval, p, q and
// FDR verdict (primary), the F-test and profile interval (secondary, they assume independent points), and what a
// reader must know to weigh them (docs/methods.md, "Inference").
import type { FdrVerdict, RateEstimate, Verdict } from '../results.ts';
import { esc, num } from './html.ts';

/**
 * The profile interval with its unbounded ends as ±Infinity: transfer.json writes them as null (JSON has no
 * infinity). Undefined when the row has no profile interval.
 */
export function profileEnds(row: Pick<RateEstimate, 'independentPoints'>): [number, number] | undefined {
  const ci = row.independentPoints?.profileCi as [number | null, number | null] | undefined;
  if (!ci) return undefined;
  const lo = ci[0] === null || Number.isNaN(ci[0]) ? -Infinity : ci[0];
  const hi = ci[1] === null || Number.isNaN(ci[1]) ? Infinity : ci[1];
  return [lo, hi];
}

/** An interval for a table cell, writing unbounded ends as −∞ / ∞ and a missing one as —. */
export function openInterval(ci: readonly [number, number] | null | undefined): string {
  if (!ci) return '—';
  const end = (v: number) => (v === -Infinity ? '−∞' : v === Infinity ? '∞' : num(v));
  return `[${end(ci[0])}, ${end(ci[1])}]`;
}

/** How many of `rows` have verdict `v` (null: no verdict). */
export const verdictCount = (rows: readonly Pick<FdrVerdict, 'verdict'>[], v: Verdict | null): number => rows.filter((r) => r.verdict === v).length;

/** The label of a verdict, "no verdict" when there is none (too few replicates). */
export const verdictLabel = (v: Verdict | null): string => v ?? 'no verdict';

/** A verdict as a coloured table cell. */
export function verdictCell(v: Verdict | null): string {
  return `<span class="verdict ${v ?? 'undecided'}">${esc(verdictLabel(v))}</span>`;
}

/** The primary columns of every estimate's row: the estimate, its replicate-level interval, p, q and verdict. */
export function estimateCells(estimate: number, row: Pick<FdrVerdict, 'p' | 'q' | 'verdict'> & { ci?: readonly [number, number] | null }): string[] {
  return [num(estimate), openInterval(row.ci), num(row.p, 2), num(row.q, 2), verdictCell(row.verdict)];
}

/** The marker of the secondary columns, explained by intervalNotes. */
export const INDEPENDENT_POINTS_MARK = '¹';

/**
 * What a reader must know to weigh these rows, as HTML paragraphs: one sentence on what each interval and test
 * assumes, how many estimates have no verdict and why, and how many the F-test would call that the
 * replicate-level test does not.
 */
export function intervalNotes(rows: readonly RateEstimate[], level: string, fdr: number): string {
  if (rows.length === 0) return '';
  const notes = [
    `s with its ${level} CI and p: the pooled least-squares estimate, with a t interval and test on G − 1 degrees of freedom whose standard error is the leave-one-replicate-out jackknife over the G replicates (fold × seed); it assumes only that replicates are independent. ` +
      `q: the Benjamini–Hochberg q-value of p within its family (one design and split; placebo controls apart); the verdict is positive or negative when q < ${fdr}.`,
    `${INDEPENDENT_POINTS_MARK} F-test p and profile CI (secondary): the nested F-test of s = 0 and the rates it does not reject at α; both treat every point as an independent observation, which the points of one replicate (shared subsets and initialisation) are not — in simulation they rejected a true s = 0 in 16–34 % of studies at α = 0.05.`,
  ];
  const noProfile = rows.filter((r) => r.independentPoints && !r.independentPoints.profileCi && r.independentPoints.profileCiNote);
  if (noProfile.length) notes.push(`${noProfile.length} estimate${noProfile.length === 1 ? ' has' : 's have'} no profile CI: ${noProfile[0].independentPoints!.profileCiNote}.`);
  const noTest = rows.filter((r) => !r.independentPoints && r.independentPointsNote);
  if (noTest.length) notes.push(`${noTest.length} estimate${noTest.length === 1 ? ' has' : 's have'} no F-test: ${noTest[0].independentPointsNote}.`);
  const undecided = rows.filter((r) => r.verdict === null);
  if (undecided.length) {
    notes.push(`${undecided.length} of ${rows.length} estimate${rows.length === 1 ? ' has' : 's have'} no verdict: ${undecided[0].inference.note ?? 'no replicate-level p'}.`);
  }
  const onlyF = rows.filter((r) => r.independentPoints && r.independentPoints.verdict !== 'none' && r.verdict === 'none').length;
  if (onlyF) notes.push(`${onlyF} estimate${onlyF === 1 ? ' is' : 's are'} significant by the F-test at α but not by the replicate-level test at the FDR: read them as not shown.`);
  return notes.map((n) => `<p class="interval-note">${esc(n)}</p>`).join('');
}
