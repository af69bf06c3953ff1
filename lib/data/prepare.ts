// The one entry point the pipeline calls: from a run configuration to labels + features of the
// selected tasks.
import path from 'node:path';
import type { RunConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { cachedEcfp, resolveCacheDir } from '../features/cache.ts';
import { findInvalidSmiles } from '../features/ecfp.ts';
import { loadRDKit } from '../features/rdkit.ts';
import type { FeatureMatrix, LabelMatrix } from '../types.ts';
import { DEFAULT_THRESHOLDS } from './binarize.ts';
import { builtinFiles, loadBuiltin } from './builtin.ts';
import { loadCustomLabels } from './custom.ts';
import { locateBuiltin } from './location.ts';
import type { FeatureSource, PreparedDataset } from './prepared.ts';
import { countTargets, selectTasks } from './select.ts';
import type { BinaryTable } from './table.ts';
import { joinFeatureFile } from './userFeatures.ts';

export interface PrepareOptions {
  /** Folder of the built-in data sets; overrides dataset.dataDir and $MTLC_DATA_DIR. */
  dataDir?: string;
  /** Cache root (downloads, ECFP); default $MTLC_CACHE_DIR or ~/.cache/mtlc. */
  cacheDir?: string;
  /** DeepDTA base URL for the download; default $MTLC_DEEPDTA_BASE_URL or GitHub at the pinned commit. */
  baseUrl?: string;
}

async function loadTable(config: RunConfig, opts: PrepareOptions): Promise<{ table: BinaryTable; smilesFile: string; notes: string[] }> {
  const ds = config.dataset;
  if (ds.name === 'custom') {
    const file = path.resolve(ds.labels!);
    const table = loadCustomLabels(file, { threshold: ds.threshold, tie: ds.tie, requireSmiles: !ds.features });
    return { table, smilesFile: file, notes: [] };
  }
  const where = await locateBuiltin(ds.name, ds, opts);
  const table = loadBuiltin(ds.name, where.dir, ds.threshold ?? DEFAULT_THRESHOLDS[ds.name], ds.tie);
  const notes = [`${ds.name} read from ${where.dir} (${where.origin}${where.downloaded ? ', downloaded now' : ''})`];
  return { table, smilesFile: builtinFiles(ds.name, where.dir).compounds, notes };
}

function subsetFeatures(f: FeatureMatrix, rows: Int32Array): FeatureMatrix {
  if (f.kind === 'dense') {
    const values = new Float32Array(rows.length * f.dim);
    rows.forEach((r, i) => values.set(f.values.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
    return { kind: 'dense', dim: f.dim, values };
  }
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i] + f.offsets[r + 1] - f.offsets[r]));
  const indices = new Int32Array(offsets[rows.length]);
  rows.forEach((r, i) => indices.set(f.indices.subarray(f.offsets[r], f.offsets[r + 1]), offsets[i]));
  return { kind: 'sparse', dim: f.dim, offsets, indices };
}

/**
 * Loads the data set of `config.dataset`, featurises it (ECFP from SMILES with config.features, or the
 * user's features file), applies the invalid-SMILES policy (skip: drop and report; fail: InputError
 * listing every bad id), selects the tasks (config.tasks) on the remaining compounds, and keeps the
 * compounds with at least one label in a selected task, in data-set order.
 */
export async function prepareDataset(config: RunConfig, opts: PrepareOptions = {}): Promise<PreparedDataset> {
  const ds = config.dataset;
  const { table, smilesFile, notes } = await loadTable(config, opts);
  notes.push(...table.notes);
  const n = table.compoundIds.length;

  let features: FeatureMatrix;
  let featureSource: FeatureSource;
  let invalid: number[] = [];
  if (ds.features) {
    const file = path.resolve(ds.features);
    const joined = joinFeatureFile(file, table);
    features = joined.features;
    featureSource = { kind: 'file', file, columns: joined.columns };
    if (joined.unused > 0) notes.push(`${file}: ${joined.unused} rows for compounds without labels ignored`);
    if (table.smiles) invalid = findInvalidSmiles(await loadRDKit(), table.smiles);
  } else {
    if (!table.smiles) throw new InputError({ file: table.file, column: 'smiles' }, 'no SMILES to compute ECFP from, and no dataset.features file');
    const ecfp = cachedEcfp(await loadRDKit(), table.smiles, config.features, resolveCacheDir(opts.cacheDir));
    features = ecfp.matrix;
    featureSource = { kind: 'ecfp', radius: config.features.radius, nBits: config.features.nBits };
    invalid = ecfp.invalid;
    notes.push(`ECFP radius ${config.features.radius}, ${config.features.nBits} bits for ${n} compounds (${ecfp.cached ? 'from cache' : 'computed'})`);
  }

  const invalidSmiles = invalid.map((r) => ({ compoundId: table.compoundIds[r], smiles: table.smiles![r] }));
  if (invalid.length > 0 && ds.invalidSmiles === 'fail') {
    const shown = invalidSmiles.slice(0, 20).map((x) => `'${x.compoundId}' (${x.smiles})`);
    throw new InputError(
      { file: smilesFile, column: 'smiles' },
      `${invalid.length} SMILES RDKit cannot parse: ${shown.join(', ')}${invalid.length > 20 ? ', …' : ''} (dataset.invalidSmiles = 'fail'; 'skip' drops them)`,
    );
  }
  const keep = new Uint8Array(n).fill(1);
  for (const r of invalid) keep[r] = 0;
  if (invalid.length > 0) notes.push(`skipped ${invalid.length} compound(s) with SMILES RDKit cannot parse`);

  const { selected, excluded, notes: selectionNotes } = selectTasks(countTargets(table, keep), config.tasks, table.file);
  notes.push(...selectionNotes);

  // Rows: kept compounds with at least one label in a selected task.
  const column = new Int32Array(table.targets.length).fill(-1);
  const taskIndex = new Map(table.targets.map((t, i) => [t, i]));
  selected.forEach((s, j) => (column[taskIndex.get(s.task)!] = j));
  const used = new Uint8Array(n);
  for (let k = 0; k < table.label.length; k++) {
    if (keep[table.compound[k]] && column[table.target[k]] >= 0) used[table.compound[k]] = 1;
  }
  const rows = Int32Array.from({ length: n }, (_, r) => r).filter((r) => used[r] === 1);
  const rowOf = new Int32Array(n).fill(-1);
  rows.forEach((r, i) => (rowOf[r] = i));
  const T = selected.length;
  const labelArray = new Int8Array(rows.length * T).fill(-1);
  for (let k = 0; k < table.label.length; k++) {
    const i = rowOf[table.compound[k]];
    const j = column[table.target[k]];
    if (i >= 0 && j >= 0) labelArray[i * T + j] = table.label[k];
  }
  const labels: LabelMatrix = { compoundIds: Array.from(rows, (r) => table.compoundIds[r]), tasks: selected.map((s) => s.task), labels: labelArray };

  return {
    name: ds.name === 'custom' ? path.basename(table.file) : ds.name,
    labels,
    smiles: table.smiles ? Array.from(rows, (r) => table.smiles![r]) : undefined,
    features: subsetFeatures(features, rows),
    featureSource,
    summary: selected,
    excluded,
    invalidSmiles,
    notes,
    threshold: table.threshold,
    tie: ds.tie,
  };
}
