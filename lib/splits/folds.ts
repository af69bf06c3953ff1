// Compound-level folds: random, or by Bemis–Murcko scaffold with whole scaffold groups per fold.
import { DEFAULT_VALIDATION_FRACTION } from '../config.ts';
import { ComputationError, ConfigError, InputError } from '../errors.ts';
import { loadRDKit } from '../features/rdkit.ts';
import type { FeatureMatrix, FoldAssignment, SplitKind } from '../types.ts';
import { compoundGroups } from './groups.ts';
import { rngFromKey, shuffleInPlace } from '../stats/rng.ts';
import { murckoScaffold } from './scaffold.ts';

function checkFolds(n: number, folds: number): void {
  if (!Number.isInteger(folds) || folds < 2) throw new ConfigError([{ field: 'split.folds', message: `must be an integer ≥ 2, got ${folds}` }]);
  if (folds > n) throw new ConfigError([{ field: 'split.folds', message: `${folds} folds for only ${n} compounds` }]);
}


/** Random folds: every compound its own group (see groupFolds), so fold sizes differ by ≤ 1. */
export function randomFolds(n: number, folds: number, seed: number, validationFraction = DEFAULT_VALIDATION_FRACTION): FoldAssignment {
  return groupFolds(Int32Array.from({ length: n }, (_, i) => i), folds, seed, 'random', validationFraction);
}

/**
 * Group folds: every group (a scaffold, or compounds with identical inputs) goes whole into one fold. Groups
 * are shuffled by the seed, then stably sorted by size, largest first, and each is put into the fold with the
 * fewest compounds so far (lowest fold index on ties) — greedy balancing, deterministic given the seed.
 */
export function groupFolds(
  groups: readonly string[] | Int32Array,
  folds: number,
  seed: number,
  kind: SplitKind = 'scaffold',
  validationFraction = DEFAULT_VALIDATION_FRACTION,
  duplicatesGrouped = 0,
): FoldAssignment {
  checkFolds(groups.length, folds);
  const index = new Map<string | number, number>();
  const group = new Int32Array(groups.length);
  const members: number[][] = [];
  for (let r = 0; r < groups.length; r++) {
    let g = index.get(groups[r]);
    if (g === undefined) {
      index.set(groups[r], (g = members.length));
      members.push([]);
    }
    members[g].push(r);
    group[r] = g;
  }
  const order = shuffleInPlace(members.slice(), rngFromKey(`${kind}-folds|${seed}|${groups.length}`));
  order.sort((a, b) => b.length - a.length); // Array.prototype.sort is stable
  const size = new Int32Array(folds);
  const fold = new Int16Array(groups.length);
  for (const rows of order) {
    let f = 0;
    for (let g = 1; g < folds; g++) if (size[g] < size[f]) f = g;
    for (const r of rows) fold[r] = f;
    size[f] += rows.length;
  }
  return { kind, folds, seed, fold, group, duplicatesGrouped, validationFraction };
}

/**
 * Scaffold group key per compound: the Murcko scaffold SMILES; an acyclic compound (empty scaffold)
 * is its own group, since it shares no core with anything. An unparseable SMILES is an InputError.
 */
export async function scaffoldGroups(compoundIds: readonly string[], smiles: readonly string[]): Promise<string[]> {
  const rdkit = await loadRDKit();
  return smiles.map((s, r) => {
    const scaffold = murckoScaffold(rdkit, s);
    if (scaffold === undefined) throw new InputError({ column: 'smiles' }, `compound '${compoundIds[r]}': RDKit cannot parse SMILES '${s}' to find its scaffold`);
    return scaffold === '' ? `acyclic:${compoundIds[r]}` : scaffold;
  });
}

export interface AssignFoldsOptions {
  /** The model's inputs: compounds with identical rows are grouped (ECFP merges e.g. stereoisomers). */
  features?: FeatureMatrix;
  validationFraction?: number;
}

/**
 * Fold of every compound (row order of compoundIds). Compounds with the same SMILES or the same feature row
 * are one group and share a fold; `scaffold` also groups by Murcko scaffold and needs SMILES (a ConfigError
 * when the data set has none, e.g. features-only user data).
 */
export async function assignFolds(
  compoundIds: readonly string[],
  smiles: readonly string[] | undefined,
  kind: SplitKind,
  folds: number,
  seed: number,
  options: AssignFoldsOptions = {},
): Promise<FoldAssignment> {
  if (smiles && smiles.length !== compoundIds.length) throw new ComputationError(`assignFolds: ${smiles.length} SMILES for ${compoundIds.length} compounds`);
  let extraKeys: string[] | undefined;
  if (kind === 'scaffold') {
    if (!smiles) throw new ConfigError([{ field: 'split.kinds', message: "'scaffold' needs SMILES, and this data set has none" }]);
    extraKeys = await scaffoldGroups(compoundIds, smiles);
  }
  const { group, duplicatesGrouped } = compoundGroups(compoundIds.length, { smiles, features: options.features, extraKeys });
  return groupFolds(group, folds, seed, kind, options.validationFraction ?? DEFAULT_VALIDATION_FRACTION, duplicatesGrouped);
}
