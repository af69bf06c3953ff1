// Compound-level folds: random, or by Bemis–Murcko scaffold with whole scaffold groups per fold.
import { ComputationError, ConfigError, InputError } from '../errors.ts';
import { loadRDKit } from '../features/rdkit.ts';
import type { FoldAssignment, SplitKind } from '../types.ts';
import { rngFromKey, shuffleInPlace } from '../stats/rng.ts';
import { murckoScaffold } from './scaffold.ts';

function checkFolds(n: number, folds: number): void {
  if (!Number.isInteger(folds) || folds < 2) throw new ConfigError([{ field: 'split.folds', message: `must be an integer ≥ 2, got ${folds}` }]);
  if (folds > n) throw new ConfigError([{ field: 'split.folds', message: `${folds} folds for only ${n} compounds` }]);
}

/** Random folds: the compounds in a seeded random order, dealt round-robin, so fold sizes differ by ≤ 1. */
export function randomFolds(n: number, folds: number, seed: number): FoldAssignment {
  checkFolds(n, folds);
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rngFromKey(`random-folds|${seed}|${n}`));
  const fold = new Int16Array(n);
  order.forEach((r, i) => (fold[r] = i % folds));
  return { kind: 'random', folds, seed, fold };
}

/**
 * Group folds: every group (e.g. scaffold) goes whole into one fold. Groups are shuffled by the seed,
 * then stably sorted by size, largest first, and each is put into the fold with the fewest compounds
 * so far (lowest fold index on ties) — greedy balancing, deterministic given the seed.
 */
export function groupFolds(groups: readonly string[], folds: number, seed: number, kind: SplitKind = 'scaffold'): FoldAssignment {
  checkFolds(groups.length, folds);
  const members = new Map<string, number[]>();
  groups.forEach((g, r) => {
    const list = members.get(g);
    if (list) list.push(r);
    else members.set(g, [r]);
  });
  const order = shuffleInPlace([...members.values()], rngFromKey(`group-folds|${seed}|${groups.length}`));
  order.sort((a, b) => b.length - a.length); // Array.prototype.sort is stable
  const size = new Int32Array(folds);
  const fold = new Int16Array(groups.length);
  for (const rows of order) {
    let f = 0;
    for (let g = 1; g < folds; g++) if (size[g] < size[f]) f = g;
    for (const r of rows) fold[r] = f;
    size[f] += rows.length;
  }
  return { kind, folds, seed, fold };
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

/**
 * Fold of every compound (row order of compoundIds). `random` ignores the SMILES; `scaffold` needs
 * them (a ConfigError when the data set has none, e.g. features-only user data).
 */
export async function assignFolds(
  compoundIds: readonly string[],
  smiles: readonly string[] | undefined,
  kind: SplitKind,
  folds: number,
  seed: number,
): Promise<FoldAssignment> {
  if (kind === 'random') return randomFolds(compoundIds.length, folds, seed);
  if (!smiles) throw new ConfigError([{ field: 'split.kinds', message: "'scaffold' needs SMILES, and this data set has none" }]);
  if (smiles.length !== compoundIds.length) throw new ComputationError(`assignFolds: ${smiles.length} SMILES for ${compoundIds.length} compounds`);
  return groupFolds(await scaffoldGroups(compoundIds, smiles), folds, seed, 'scaffold');
}

/** Rows of the compounds in `fold` (its test set), ascending. */
export function testRows(a: FoldAssignment, fold: number): Int32Array {
  if (!Number.isInteger(fold) || fold < 0 || fold >= a.folds) throw new ConfigError([{ field: 'split.useFolds', message: `fold ${fold} does not exist (folds = ${a.folds})` }]);
  const rows: number[] = [];
  a.fold.forEach((f, r) => {
    if (f === fold) rows.push(r);
  });
  return Int32Array.from(rows);
}
