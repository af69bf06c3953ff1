// The two intervals of a transfer rate as the report shows them: the bootstrap percentile interval and the profile
// (F-inversion) interval, with what a reader must know to weigh them (coarse bootstraps, disagreement with the test).
import type { ContextualTransfer, PairwiseTransfer, Verdict } from '../results.ts';
import { esc, num } from './html.ts';

/** Below this many replicate groups a percentile bootstrap is coarse (few distinct resamples). */
export const COARSE_BOOTSTRAP_GROUPS = 5;

type RateRow = Pick<ContextualTransfer | PairwiseTransfer, 'ci' | 'verdict' | 'profileCi' | 'bootstrapGroups'>;

/**
 * The profile interval with its unbounded ends as ±Infinity: transfer.json writes them as null (JSON has no
 * infinity). Undefined when the row has no profile interval.
 */
export function profileEnds(row: Pick<RateRow, 'profileCi'>): [number, number] | undefined {
  const ci = row.profileCi as [number | null, number | null] | undefined;
  if (!ci) return undefined;
  const lo = ci[0] === null || Number.isNaN(ci[0]) ? -Infinity : ci[0];
  const hi = ci[1] === null || Number.isNaN(ci[1]) ? Infinity : ci[1];
  return [lo, hi];
}

/** An interval for a table cell, writing unbounded ends as −∞ / ∞. */
export function openInterval(ci: readonly [number, number] | undefined): string {
  if (!ci) return '—';
  const end = (v: number) => (v === -Infinity ? '−∞' : v === Infinity ? '∞' : num(v));
  return `[${end(ci[0])}, ${end(ci[1])}]`;
}

/** Whether a finite interval lies wholly on one side of 0. */
const excludesZero = (ci: readonly [number, number]) => ci[0] > 0 || ci[1] < 0;

/**
 * The bootstrap interval contradicts the verdict of the F-test when it excludes 0 while the verdict is none, or
 * covers 0 while the test found an effect. (The profile interval cannot: it contains 0 exactly when p ≥ α.)
 */
export function bootstrapContradicts(row: { ci: [number, number]; verdict: Verdict }): boolean {
  const [lo, hi] = row.ci;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) return false;
  return excludesZero(row.ci) !== (row.verdict !== 'none');
}

/** The bootstrap cell: its interval, marked † when it contradicts the verdict. */
export function bootstrapCell(row: RateRow): string {
  const text = openInterval(row.ci);
  return bootstrapContradicts(row) ? `${text}<sup title="disagrees with the F-test about 0">†</sup>` : text;
}

/**
 * What a reader must know about the intervals of these rows, as HTML paragraphs: a bootstrap from fewer than
 * COARSE_BOOTSTRAP_GROUPS replicate groups is coarse, and where the bootstrap interval contradicts the F-test the
 * verdict is the test's.
 */
export function intervalNotes(rows: readonly RateRow[]): string {
  const notes: string[] = [];
  const groups = rows.map((r) => r.bootstrapGroups).filter((g): g is number => typeof g === 'number');
  if (groups.length) {
    const fewest = Math.min(...groups);
    if (fewest < COARSE_BOOTSTRAP_GROUPS) {
      notes.push(`Bootstrap interval from only ${fewest} replicate group${fewest === 1 ? '' : 's'} (fold × seed) — coarse; the profile interval and p-value are the reliable ones.`);
    }
  }
  const contradicting = rows.filter((r) => bootstrapContradicts(r)).length;
  if (contradicting) {
    notes.push(
      `† ${contradicting} bootstrap interval${contradicting === 1 ? ' disagrees' : 's disagree'} with the F-test about 0; the verdict is the F-test's, and the profile interval agrees with it by construction.`,
    );
  }
  return notes.map((n) => `<p class="interval-note">${esc(n)}</p>`).join('');
}
