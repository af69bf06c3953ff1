// Reading learning curves from a CSV file (the input of `mtlc fit`): one row per point, keyed by `curve`.
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import type { CurveData } from './data.ts';

export interface NamedCurve {
  curve: string;
  data: CurveData;
}

/** The columns a curve file needs: `curve,n,y`, or `curve,n_i,n_other,y` for the two-argument models. */
export function curveColumns(twoArgument: boolean): string[] {
  return twoArgument ? ['curve', 'n_i', 'n_other', 'y'] : ['curve', 'n', 'y'];
}

/**
 * Parses curve CSV text. Extra columns are ignored; an optional `group` column names the replicate
 * (seed/fold) of each point. Errors name the file, the data row (the header is row 0) and the column.
 * Curves keep the order in which they first appear.
 */
export function parseCurveCsv(text: string, file: string, twoArgument: boolean): NamedCurve[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as never;
  } catch (err) {
    throw new InputError({ file }, `not a readable CSV file: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new InputError({ file }, 'the file is empty (expected a header row)');
  const header = records[0].record;
  const headerLine = records[0].info.lines;
  const required = curveColumns(twoArgument);
  const position = new Map(header.map((name, j) => [name, j]));
  for (const column of required) {
    if (!position.has(column)) throw new InputError({ file, row: 0, column }, `missing column (the header must have ${required.join(', ')}; found ${header.join(', ') || 'nothing'})`);
  }
  const groupColumn = position.get('group');

  const curves = new Map<string, CurveData>();
  for (const { record, info } of records.slice(1)) {
    const row = info.lines - headerLine; // 1-based data row, as a spreadsheet shows it below the header
    const cell = (column: string): string => {
      const value = record[position.get(column)!];
      if (value === undefined || value === '') throw new InputError({ file, row, column }, 'the cell is empty');
      return value;
    };
    const number = (column: string): number => {
      const text = cell(column);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new InputError({ file, row, column }, `expected a number, got '${text}'`);
      return value;
    };
    const name = cell('curve');
    let data = curves.get(name);
    if (!data) {
      data = { n: [], y: [], ...(twoArgument ? { nOther: [] } : {}), ...(groupColumn !== undefined ? { group: [] } : {}) };
      curves.set(name, data);
    }
    const n = number(twoArgument ? 'n_i' : 'n');
    if (n < 0) throw new InputError({ file, row, column: twoArgument ? 'n_i' : 'n' }, `expected a non-negative training size, got ${n}`);
    data.n.push(n);
    if (twoArgument) {
      const other = number('n_other');
      if (other < 0) throw new InputError({ file, row, column: 'n_other' }, `expected a non-negative training size, got ${other}`);
      data.nOther!.push(other);
    }
    data.y.push(number('y'));
    if (groupColumn !== undefined) data.group!.push(record[groupColumn] ?? '');
  }
  if (curves.size === 0) throw new InputError({ file }, 'the file has a header but no data rows');
  return [...curves].map(([curve, data]) => ({ curve, data }));
}
