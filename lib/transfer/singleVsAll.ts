// Where multi-task training helps: the fitted single-task and all-task EXP3 curves of a task compared by n.
import { predict } from '../curves/models.ts';
import type { CurveFit, SingleVsAll } from '../results.ts';
import { derivedInference } from './inference.ts';
import type { SplitKind } from '../types.ts';
import type { SelectedCurve } from './curveData.ts';

/**
 * A stored EXP3 fit evaluated at n, P(n) = c − exp(b − a·n), from its parameters (lib/curves formula table);
 * null when the fit failed. A flat fit has e^b = 0, b = −∞, which JSON stores as null: read back, it is −∞ again.
 */
export function exp3At(fit: CurveFit | undefined, n: number): number | null {
  if (!fit || fit.status !== 'ok') return null;
  return exp3OfParams(fit.params, n);
}

/** P(n) of EXP3 parameters (a b that JSON stored as null is −∞: a flat curve). */
function exp3OfParams(stored: Record<string, number>, n: number): number | null {
  const { a, b, c } = stored;
  const value = predict('exp3', { a, c, b: b === null || b === undefined ? Number.NEGATIVE_INFINITY : b }, { n });
  return Number.isFinite(value) ? value : null;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Mean observed y per n of a selected curve. */
function observedMeans(selected: SelectedCurve): Map<number, number> {
  const byN = new Map<number, number[]>();
  selected.data.n.forEach((n, p) => byN.set(n, [...(byN.get(n) ?? []), selected.data.y[p]]));
  return new Map([...byN].map(([n, ys]) => [n, mean(ys)]));
}

/**
 * The full training sizes of the replicates when they differ (each test fold's training part has its own size):
 * the distinct per-replicate largest n, if there are several and all lie above every other n; else none.
 */
function fullSizes(curves: readonly SelectedCurve[]): Set<number> {
  const largest = new Map<string, number>();
  for (const { data } of curves) {
    data.n.forEach((n, p) => {
      const label = String(data.group?.[p] ?? '');
      largest.set(label, Math.max(largest.get(label) ?? 0, n));
    });
  }
  const full = new Set(largest.values());
  const others = curves.flatMap(({ data }) => data.n.filter((n) => !full.has(n)));
  return full.size > 1 && Math.min(...full) > Math.max(0, ...others) ? full : new Set();
}

/** Mean observed y over the points whose n is in `ns`, null when there is none. */
function observedMeanOver(selected: SelectedCurve, ns: ReadonlySet<number>): number | null {
  const ys = selected.data.y.filter((_, p) => ns.has(selected.data.n[p]));
  return ys.length ? mean(ys) : null;
}

/**
 * Single-task vs all-task AUROC of one task by n: the fitted EXP3 curves at every n either design observed,
 * gap = P_all(n) − P_single(n) (> 0: multi-task training helps at that n), its replicate-level interval and p
 * (the paired jackknife of the two fits; q and verdict are set per family by the caller), with the observed
 * means beside them. The replicates' full training sizes, when they differ by fold, are one row (`full`) at their
 * mean: one comparison, not one near-copy per fold.
 */
export function singleVsAll(
  task: string,
  split: SplitKind,
  single: { selected: SelectedCurve; fit?: CurveFit },
  all: { selected: SelectedCurve; fit?: CurveFit },
  alpha: number,
): SingleVsAll {
  const singleMeans = observedMeans(single.selected);
  const allMeans = observedMeans(all.selected);
  const full = fullSizes([single.selected, all.selected]);
  const fullN = full.size ? Math.round(mean([...full])) : undefined;
  const ns = [...new Set([...singleMeans.keys(), ...allMeans.keys()].filter((n) => !full.has(n))), ...(fullN !== undefined ? [fullN] : [])].sort((x, y) => x - y);
  return {
    task,
    split,
    byN: ns.map((n) => {
      const isFull = n === fullN;
      const s = exp3At(single.fit, n);
      const a = exp3At(all.fit, n);
      const gap = s !== null && a !== null ? a - s : null;
      const inference =
        gap === null ? undefined : derivedInference([single.fit!, all.fit!], (ps, pa) => (exp3OfParams(pa, n) ?? Number.NaN) - (exp3OfParams(ps, n) ?? Number.NaN), alpha);
      return {
        n,
        single: s,
        all: a,
        gap,
        ci: inference?.ci ?? null,
        p: inference?.p ?? null,
        q: null,
        verdict: null,
        family: '',
        ...(inference?.note ? { note: inference.note } : gap === null ? { note: 'a fitted curve is missing' } : {}),
        ...(isFull ? { full: true as const } : {}),
        singleObserved: isFull ? observedMeanOver(single.selected, full) : (singleMeans.get(n) ?? null),
        allObserved: isFull ? observedMeanOver(all.selected, full) : (allMeans.get(n) ?? null),
      };
    }),
  };
}
