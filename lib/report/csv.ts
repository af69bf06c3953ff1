// CSV exports of the curve and transfer tables, for spreadsheets (RFC 4180 quoting; formula-looking text neutralised).
import type { CurvesFile, RateEstimate, TransferFile } from '../results.ts';
import { profileEnds } from './intervals.ts';
import type { ReportCsv } from './types.ts';

type Cell = string | number | boolean | null | undefined;

/** One CSV field: empty for null/undefined; quoted when it holds a comma, quote or line break; a leading =,+,-,@ in text is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [headers, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Every parameter name used by any fit, in a stable order (the formula table's names first). */
function paramNames(curves: CurvesFile): string[] {
  const known = ['a', 's', 'b', 'c', 'd'];
  const all = new Set(curves.fits.flatMap((f) => Object.keys(f.params)));
  return [...known.filter((k) => all.has(k)), ...[...all].filter((k) => !known.includes(k)).sort()];
}

/** The profile interval's ends for a CSV row: an unbounded end as the word `unbounded`, no interval as empty cells. */
function profileCells(row: Parameters<typeof profileEnds>[0]): [Cell, Cell] {
  const ends = profileEnds(row);
  if (!ends) return [undefined, undefined];
  const cell = (v: number): Cell => (Number.isFinite(v) ? v : 'unbounded');
  return [cell(ends[0]), cell(ends[1])];
}

/** The columns of a transfer rate: primary (replicate-level) first, then the secondary F-test and profile interval. */
const RATE_HEADERS = [
  's', 's_ci_lo', 's_ci_hi', 'replicate_groups', 'se', 'df', 't', 'p', 'q', 'verdict', 'family', 'inference_note',
  'a', 'a_ci_lo', 'a_ci_hi', 'exchange_rate', 'exchange_rate_ci_lo', 'exchange_rate_ci_hi',
  'f_test_p', 'f_test_verdict', 's_profile_lo', 's_profile_hi',
] as const;

function rateCells(r: RateEstimate): Cell[] {
  const i = r.inference;
  return [
    r.s, r.ci?.[0], r.ci?.[1], i.groups, i.se, i.df, i.t, r.p, r.q, r.verdict, r.family, i.note,
    r.a, r.aCi?.[0], r.aCi?.[1], r.exchangeRate, r.exchangeRateCi?.[0], r.exchangeRateCi?.[1],
    r.independentPoints?.p, r.independentPoints?.verdict, ...profileCells(r),
  ];
}

export function reportCsvs(curves: CurvesFile, transfer: TransferFile): ReportCsv[] {
  const params = paramNames(curves);
  const out: ReportCsv[] = [
    {
      name: 'curves-observations',
      text: toCsv(
        ['point_id', 'task', 'design', 'split', 'fold', 'seed', 'n', 'n_other', 'source', 'placebo_context', 'auroc'],
        curves.observations.map((o) => [o.pointId, o.task, o.design, o.split, o.fold, o.seed, o.n, o.nOther, o.source, o.placeboContext === true, o.y]),
      ),
    },
    {
      name: 'curves-fits',
      text: toCsv(
        ['task', 'design', 'split', 'model', 'source', 'status', 'error', 'sse', 'n_points', ...params.flatMap((p) => [p, `${p}_ci_lo`, `${p}_ci_hi`])],
        curves.fits.map((f) => [
          f.task, f.design, f.split, f.model, f.source, f.status, f.error, f.sse, f.nPoints,
          ...params.flatMap((p) => [f.params[p], f.ci?.[p]?.[0], f.ci?.[p]?.[1]]),
        ]),
      ),
    },
    {
      name: 'curves-model-comparison',
      text: toCsv(['task', 'design', 'split', 'model', 'held_out_mse', 'last_anchor_error'], curves.comparison.map((c) => [c.task, c.design, c.split, c.model, c.heldOutMse, c.lastAnchorError])),
    },
    {
      name: 'transfer-single-vs-all',
      text: toCsv(
        ['task', 'split', 'n', 'full', 'single_auroc', 'all_auroc', 'gap', 'gap_ci_lo', 'gap_ci_hi', 'p', 'q', 'verdict', 'family', 'note'],
        transfer.singleVsAll.flatMap((r) => r.byN.map((b) => [r.task, r.split, b.n, b.full === true, b.single, b.all, b.gap, b.ci?.[0], b.ci?.[1], b.p, b.q, b.verdict, b.family, b.note])),
      ),
    },
    {
      name: 'transfer-contextual',
      text: toCsv(
        ['task', 'split', 'placebo', ...RATE_HEADERS],
        transfer.contextual.map((c) => [c.task, c.split, c.placebo === true, ...rateCells(c)]),
      ),
    },
    {
      name: 'transfer-pairwise',
      text: toCsv(
        ['source', 'target', 'split', 'design', 'placebo', ...RATE_HEADERS],
        transfer.pairwise.map((p) => [p.source, p.target, p.split, p.design, p.placebo === true, ...rateCells(p)]),
      ),
    },
    {
      name: 'transfer-tag',
      text: toCsv(['source', 'target', 'z', 'z_early', 'z_heldout', 'z_heldout_early'], transfer.tag.map((t) => [t.source, t.target, t.z, t.zEarly, t.zHeldOut, t.zHeldOutEarly])),
    },
    {
      name: 'transfer-lookahead',
      text: toCsv(
        ['source', 'target', 'split', 'placebo', 's', 'ci_low', 'ci_high', 'p', 'q', 'verdict', 'family', 'groups', 'exchange_rate', 'form', 'auroc_control', 'auroc_self', 'auroc_source', 'auroc_placebo'],
        transfer.lookahead.map((l) => [
          l.source, l.target, l.split, l.placebo === true, l.s, l.ci?.[0], l.ci?.[1], l.p, l.q, l.verdict, l.family, l.inference.groups, l.exchangeRate, l.form,
          l.readings.control, l.readings.self, l.readings.source, l.readings.placebo,
        ]),
      ),
    },
    { name: 'transfer-agreement', text: toCsv(['comparison', 'spearman_rho', 'pairs'], Object.entries(transfer.agreement).map(([k, a]) => [k, a.rho, a.pairs])) },
    {
      name: 'transfer-cost',
      text: toCsv(['approach', 'seconds', 'points', 'device', 'backend'], Object.entries(transfer.cost).map(([k, c]) => [k, c.seconds, c.points, c.device, c.backend])),
    },
    { name: 'missing-points', text: toCsv(['point_id', 'reason'], transfer.missingPoints.map((m) => [m.pointId, m.reason])) },
  ];
  return out;
}
