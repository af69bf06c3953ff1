// What every chart builder returns: a named vega-lite spec with the words printed around it in the report.
import type { TopLevelSpec } from 'vega-lite';

export interface ChartDef {
  /** File stem of plots/<name>.svg|png; unique within a report. */
  name: string;
  title: string;
  /** One or two sentences under the chart saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Colours of the transfer verdicts, shared by every chart that shows them. */
export const verdictScale = {
  domain: ['positive', 'none', 'negative', 'no verdict'],
  range: ['#1b7837', '#8c8c8c', '#c51b7d', '#d0d0d0'],
};

/** A log-2 x axis of training sizes, ticked at the sizes that were trained (when given and not too many). */
export const logNAxis = (title: string, ticks?: number[]) => ({
  field: 'n',
  type: 'quantitative' as const,
  scale: { type: 'log' as const, base: 2 },
  axis: { title, format: '~s', ...(ticks && ticks.length > 0 && ticks.length <= 10 ? { values: ticks } : {}) },
});

/** Distinct training sizes of the observed rows, ascending. */
export function observedNs(rows: readonly { kind: string; n?: number }[]): number[] {
  return [...new Set(rows.filter((r) => r.kind === 'obs' && r.n !== undefined).map((r) => r.n!))].sort((p, q) => p - q);
}

/** A stable, file-name-safe stem from free text (task names can hold any character). */
export function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** Keeps the rows of one kind ('obs', 'fit', 'band', …) of a layered chart's data. */
export const onlyKind = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];

/**
 * A small-multiples chart: one panel per task (in the given order, at most 4 per row), each panel the same layers
 * over its own rows, with independent y scales (AUROC ranges differ by task).
 */
export function taskPanels(rows: readonly object[], tasks: readonly string[], layer: object[]): TopLevelSpec {
  // The layers are checked where vega-lite compiles them (every chart is rendered in the tests).
  return {
    $schema: VEGA_LITE_SCHEMA,
    data: { values: rows },
    facet: { field: 'task', type: 'nominal', sort: tasks, title: null, header: { labelFontWeight: 'bold' } },
    columns: Math.min(4, tasks.length),
    spec: { width: 210, height: 150, layer },
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
  } as TopLevelSpec;
}

