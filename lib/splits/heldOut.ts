// The held-out compounds of a test fold: the fold itself (test) and an inner validation set of whole groups
// drawn from the other folds, which trains nothing and decides early stopping (docs/methods.md).
import { ConfigError } from '../errors.ts';
import type { FoldAssignment } from '../types.ts';
import { rngFromKey, shuffleInPlace } from '../stats/rng.ts';

/** Rows of the compounds in `fold` (its test set), ascending. */
export function testRows(a: FoldAssignment, fold: number): Int32Array {
  checkFold(a, fold);
  const rows: number[] = [];
  a.fold.forEach((f, r) => {
    if (f === fold) rows.push(r);
  });
  return Int32Array.from(rows);
}

function checkFold(a: FoldAssignment, fold: number): void {
  if (!Number.isInteger(fold) || fold < 0 || fold >= a.folds) throw new ConfigError([{ field: 'split.useFolds', message: `fold ${fold} does not exist (folds = ${a.folds})` }]);
}

const validationCache = new WeakMap<FoldAssignment, Map<number, Int32Array>>();

/**
 * Inner validation rows of test fold `fold`, ascending: the groups outside the fold in a seeded order (by split
 * kind, seed and fold), taken whole until they hold round(validationFraction × non-test compounds). The same for
 * every point of the fold, whatever its sizes, design or seed, so all of them stop by the same yardstick.
 */
export function validationRows(a: FoldAssignment, fold: number): Int32Array {
  checkFold(a, fold);
  let byFold = validationCache.get(a);
  if (!byFold) validationCache.set(a, (byFold = new Map()));
  const hit = byFold.get(fold);
  if (hit) return hit;
  const members = new Map<number, number[]>();
  a.fold.forEach((f, r) => {
    if (f === fold) return;
    const list = members.get(a.group[r]);
    if (list) list.push(r);
    else members.set(a.group[r], [r]);
  });
  let nonTest = 0;
  for (const rows of members.values()) nonTest += rows.length;
  const target = Math.round(a.validationFraction * nonTest);
  const groups = shuffleInPlace([...members.values()], rngFromKey(`validation|${a.kind}|${a.seed}|${fold}`));
  const rows: number[] = [];
  for (const g of groups) {
    if (rows.length >= target) break;
    rows.push(...g);
  }
  const out = Int32Array.from(rows.sort((x, y) => x - y));
  byFold.set(fold, out);
  return out;
}
