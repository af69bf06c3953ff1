// User-supplied feature vectors (e.g. embeddings from a foundation model): CSV `compound_id` + numeric
// columns, joined to the label table in its compound order.
import type { FeatureMatrix } from '../types.ts';
import { InputError } from '../errors.ts';
import { numberCell, readCsv, requireColumns, textCell } from './csv.ts';
import type { BinaryTable } from './table.ts';

/** Features train as 32-bit floats: beyond ~3.4e38 a value is Infinity, and far below that sums overflow. */
const FEATURE_RANGE = { limit: 1e15, why: 'features are trained as 32-bit floats, so |value| must be at most 1e15 (rescale or standardise this column)' };

/**
 * Dense features for every compound of `table`, row r = table.compoundIds[r]. Every labelled compound
 * must have a row; extra rows in the features file are ignored (counted in `unused`). Errors: no numeric column, a compound
 * listed twice, a non-numeric or empty cell (file, row, column), a compound without features (named,
 * with the label-file row where it first appears).
 */
export function joinFeatureFile(file: string, table: BinaryTable): { features: FeatureMatrix; columns: string[]; unused: number } {
  const csv = readCsv(file);
  const [cId] = requireColumns(csv, ['compound_id']);
  const columns = csv.header.filter((_, j) => j !== cId);
  if (columns.length === 0) throw new InputError({ file, row: 0 }, "expected numeric feature columns after 'compound_id'; the header has none");
  const featureCols = csv.header.map((_, j) => j).filter((j) => j !== cId);

  const rowOf = new Map<string, number>();
  for (let i = 0; i < csv.rows.length; i++) {
    const id = textCell(csv, i, cId);
    const prev = rowOf.get(id);
    if (prev !== undefined) {
      throw new InputError({ file, row: csv.rowNumbers[i], column: 'compound_id' }, `compound '${id}' already has features on row ${csv.rowNumbers[prev]}`);
    }
    rowOf.set(id, i);
  }

  const dim = columns.length;
  // Every cell is checked, also on rows no label uses: a broken file should not pass by luck.
  const all = new Float32Array(csv.rows.length * dim);
  for (let i = 0; i < csv.rows.length; i++) {
    for (let k = 0; k < dim; k++) all[i * dim + k] = numberCell(csv, i, featureCols[k], FEATURE_RANGE);
  }
  const values = new Float32Array(table.compoundIds.length * dim);
  table.compoundIds.forEach((id, r) => {
    const i = rowOf.get(id);
    if (i === undefined) {
      throw new InputError(
        { file, column: 'compound_id' },
        `compound '${id}' (row ${table.compoundRows[r]} of ${table.file}) has no row in the features file`,
      );
    }
    values.set(all.subarray(i * dim, (i + 1) * dim), r * dim);
  });
  return { features: { kind: 'dense', dim, values }, columns, unused: csv.rows.length - table.compoundIds.length };
}
