// The built-in benchmarks (KIBA, Davis) in the long format of ../shared/data: `<name>.csv.gz` with one
// row per measured pair and `<name>_compounds.csv.gz` with the SMILES.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { binarize, DEFAULT_THRESHOLDS, type TieRule } from './binarize.ts';
import { numberCell, readCsv, requireColumns, textCell } from './csv.ts';
import { BinaryTableBuilder, type BinaryTable } from './table.ts';

export type BuiltinName = 'kiba' | 'davis';

/** The column each built-in data set binarises: KIBA's score, Davis's pKd. */
export const VALUE_COLUMN: Record<BuiltinName, string> = { kiba: 'kiba_score', davis: 'pKd' };

export function builtinFiles(name: BuiltinName, dataDir: string): { labels: string; compounds: string } {
  return { labels: path.join(dataDir, `${name}.csv.gz`), compounds: path.join(dataDir, `${name}_compounds.csv.gz`) };
}

/** True when dataDir holds both files of the data set. */
export function hasBuiltin(name: BuiltinName, dataDir: string): boolean {
  const f = builtinFiles(name, dataDir);
  return existsSync(f.labels) && existsSync(f.compounds);
}

/**
 * Loads a built-in data set and binarises it: label = 1 when value (tie) threshold, with
 * value = kiba_score (default threshold 12.1) or pKd (default 7). Compounds keep the order of the
 * compounds file; SMILES are the canonical `smiles` column (the one DeepDTA uses).
 */
export function loadBuiltin(name: BuiltinName, dataDir: string, threshold: number = DEFAULT_THRESHOLDS[name], tie: TieRule = '>='): BinaryTable {
  const files = builtinFiles(name, dataDir);
  const compounds = readCsv(files.compounds);
  const [cId, cSmiles] = requireColumns(compounds, ['compound_id', 'smiles']);
  const valueColumn = VALUE_COLUMN[name];
  const builder = new BinaryTableBuilder(files.labels, valueColumn);
  const smiles: string[] = [];
  for (let i = 0; i < compounds.rows.length; i++) {
    const id = textCell(compounds, i, cId);
    if (builder.hasCompound(id)) {
      throw new InputError({ file: files.compounds, row: compounds.rowNumbers[i], column: 'compound_id' }, `compound '${id}' is listed twice`);
    }
    builder.compoundOf(id, compounds.rowNumbers[i]);
    smiles.push(textCell(compounds, i, cSmiles));
  }

  const labels = readCsv(files.labels);
  const [lCompound, lTarget, lValue] = requireColumns(labels, ['compound_id', 'target_id', valueColumn]);
  for (let i = 0; i < labels.rows.length; i++) {
    const compoundId = textCell(labels, i, lCompound);
    if (!builder.hasCompound(compoundId)) {
      throw new InputError(
        { file: files.labels, row: labels.rowNumbers[i], column: 'compound_id' },
        `compound '${compoundId}' is not in ${path.basename(files.compounds)}`,
      );
    }
    const value = numberCell(labels, i, lValue);
    builder.add(compoundId, textCell(labels, i, lTarget), binarize(value, threshold, tie), labels.rowNumbers[i]);
  }
  return builder.build(smiles, threshold, [`${name}: ${valueColumn} ${tie} ${threshold} is positive`]);
}
