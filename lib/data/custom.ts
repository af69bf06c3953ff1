// A user's label table: CSV `compound_id,smiles,target_id` plus `label` (0/1) or `value` (binarised
// with a threshold and tie rule). SMILES may be absent when the user supplies feature vectors.
import { ConfigError, InputError } from '../errors.ts';
import { binarize, type TieRule } from './binarize.ts';
import { numberCell, optionalColumn, readCsv, requireColumns, textCell } from './csv.ts';
import { BinaryTableBuilder, type BinaryTable } from './table.ts';

export interface CustomLabelOptions {
  /** Needed when the file has `value` instead of `label`. */
  threshold?: number;
  tie: TieRule;
  /** False when a features file replaces ECFP: then the `smiles` column is optional. */
  requireSmiles: boolean;
}

/**
 * Reads a user's label CSV.
 *
 * Rules: `label` cells must be 0 or 1; `value` cells finite numbers, positive when value (tie)
 * threshold; when both columns exist `label` is used. A compound must carry the same SMILES on every
 * row. Duplicate (compound, target) rows with the same binary label are merged (counted in the notes);
 * with different labels they are an error naming both rows.
 */
export function loadCustomLabels(file: string, opts: CustomLabelOptions): BinaryTable {
  const table = readCsv(file);
  const [cId, cTarget] = requireColumns(table, ['compound_id', 'target_id']);
  const cSmiles = opts.requireSmiles ? requireColumns(table, ['smiles'])[0] : optionalColumn(table, 'smiles');
  const cLabel = optionalColumn(table, 'label');
  const cValue = optionalColumn(table, 'value');
  const notes: string[] = [];
  if (cLabel === undefined && cValue === undefined) {
    throw new InputError({ file, row: 0, column: 'label' }, `missing column: expected 'label' (0/1) or 'value' (with dataset.threshold); the header has ${table.header.map((h) => `'${h}'`).join(', ')}`);
  }
  if (cLabel === undefined && opts.threshold === undefined) {
    throw new ConfigError([{ field: 'dataset.threshold', message: `required: ${file} has a 'value' column to binarise and no 'label' column` }]);
  }
  if (cLabel !== undefined && cValue !== undefined) notes.push(`${file}: both 'label' and 'value' columns present; using 'label'`);

  const builder = new BinaryTableBuilder(file, cLabel !== undefined ? 'label' : 'value');
  const smiles: string[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rowNumbers[i];
    const compoundId = textCell(table, i, cId);
    const targetId = textCell(table, i, cTarget);
    let label: 0 | 1;
    if (cLabel !== undefined) {
      const x = numberCell(table, i, cLabel);
      if (x !== 0 && x !== 1) throw new InputError({ file, row, column: 'label' }, `expected 0 or 1, got '${table.rows[i][cLabel]}'`);
      label = x;
    } else {
      label = binarize(numberCell(table, i, cValue!), opts.threshold!, opts.tie);
    }
    const known = builder.hasCompound(compoundId);
    const c = builder.compoundOf(compoundId, row);
    if (cSmiles !== undefined) {
      const s = textCell(table, i, cSmiles);
      if (!known) smiles[c] = s;
      else if (smiles[c] !== s) {
        throw new InputError({ file, row, column: 'smiles' }, `compound '${compoundId}' has SMILES '${smiles[c]}' on an earlier row but '${s}' here`);
      }
    }
    builder.add(compoundId, targetId, label, row);
  }
  if (cLabel === undefined) notes.push(`${file}: value ${opts.tie} ${opts.threshold} is positive`);
  return builder.build(cSmiles !== undefined ? smiles : undefined, cLabel === undefined ? opts.threshold! : null, notes);
}
