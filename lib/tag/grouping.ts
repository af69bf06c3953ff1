// Task grouping from an affinity matrix (Fifty et al. 2021, §3.3), as a partition of the tasks.
import { agnes } from 'ml-hclust';
import { ComputationError } from '../errors.ts';
import type { AffinityMatrix } from './affinity.ts';

export interface TaskGrouping {
  groups: string[][];
  score: number;
  method: 'exact' | 'clustering';
}

export interface GroupingOptions {
  /** The tasks to group (default: every task named in the matrix, sorted). */
  tasks?: readonly string[];
  /** At most this many groups (default: one per task, i.e. unconstrained). */
  maxGroups?: number;
  /** Exact search up to this many tasks, hierarchical clustering beyond (default 10). */
  exactLimit?: number;
}

/**
 * Chooses a partition of the tasks into at most G groups that maximises total intra-group affinity.
 *
 * Our definition (Fifty et al. let groups overlap and serve each task from its best group; we use a
 * partition, so each task is trained in exactly one group). The score of task i in group S is the mean
 * affinity onto it from the other members, and a grouping's score is the sum over tasks:
 *
 *   score(S)  = Σ_{i∈S} 1/(|S|−1) · Σ_{j∈S, j≠i} A[j→i]   (0 for a singleton)
 *   score(P)  = Σ_{S∈P} score(S)
 *
 * K ≤ exactLimit: exact maximum by dynamic programming over subsets,
 *   best_g(M) = max_{S ⊆ M, lowest(M) ∈ S} score(S) + best_{g−1}(M \ S),
 * O(G·3^K). Among equal scores the grouping with fewer groups wins.
 * Beyond: average-linkage agglomerative clustering of the symmetrised affinity (A + Aᵀ)/2, with
 * distance max(Ã) − Ã; every cut into g ≤ G clusters is scored as above and the best one returned.
 * Missing pairs count as affinity 0.
 */
export function groupTasks(affinity: AffinityMatrix, options: GroupingOptions = {}): TaskGrouping {
  const tasks = options.tasks ? [...options.tasks] : namedTasks(affinity);
  const k = tasks.length;
  if (k === 0) return { groups: [], score: 0, method: 'exact' };
  const maxGroups = options.maxGroups ?? k;
  if (!Number.isInteger(maxGroups) || maxGroups < 1) {
    throw new ComputationError(`task grouping: maxGroups must be a positive integer, got ${maxGroups}`);
  }
  const a = denseAffinity(affinity, tasks);
  const exactLimit = options.exactLimit ?? 10;
  const result = k <= exactLimit ? exactPartition(a, Math.min(maxGroups, k)) : clusteredPartition(a, Math.min(maxGroups, k));
  return {
    groups: result.groups.map((g) => g.map((i) => tasks[i])),
    score: result.score,
    method: k <= exactLimit ? 'exact' : 'clustering',
  };
}

/** Score of one group (see groupTasks): mean affinity onto each member from the others, summed. */
export function groupScore(a: readonly Float64Array[], members: readonly number[]): number {
  if (members.length < 2) return 0;
  let total = 0;
  for (const i of members) for (const j of members) if (i !== j) total += a[j][i];
  return total / (members.length - 1);
}

function namedTasks(affinity: AffinityMatrix): string[] {
  const names = new Set<string>();
  for (const [source, row] of Object.entries(affinity)) {
    names.add(source);
    for (const target of Object.keys(row)) names.add(target);
  }
  return [...names].sort();
}

/** a[j][i] = A[j→i]; missing pairs 0; non-finite values are an error. */
function denseAffinity(affinity: AffinityMatrix, tasks: string[]): Float64Array[] {
  const index = new Map(tasks.map((t, i) => [t, i]));
  const a = tasks.map(() => new Float64Array(tasks.length));
  for (const [source, row] of Object.entries(affinity)) {
    const j = index.get(source);
    if (j === undefined) continue;
    for (const [target, value] of Object.entries(row)) {
      const i = index.get(target);
      if (i === undefined || i === j) continue;
      if (!Number.isFinite(value)) {
        throw new ComputationError(`task grouping: affinity ${source} → ${target} is ${value}, expected a finite number`);
      }
      a[j][i] = value;
    }
  }
  return a;
}

interface IndexPartition {
  groups: number[][];
  score: number;
}

const TIE = 1e-12;

function membersOf(mask: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

function exactPartition(a: Float64Array[], maxGroups: number): IndexPartition {
  const k = a.length;
  const full = (1 << k) - 1;
  const subsetScore = new Float64Array(full + 1);
  for (let mask = 1; mask <= full; mask++) subsetScore[mask] = groupScore(a, membersOf(mask, k));

  // best[g][mask]: best score of partitioning `mask` into at most g groups; choice[g][mask]: its first group.
  const best: Float64Array[] = [];
  const choice: Int32Array[] = [];
  best.push(new Float64Array(full + 1).fill(-Infinity));
  best[0][0] = 0;
  choice.push(new Int32Array(full + 1));
  for (let g = 1; g <= maxGroups; g++) {
    const b = new Float64Array(full + 1);
    const c = new Int32Array(full + 1);
    for (let mask = 1; mask <= full; mask++) {
      const low = mask & -mask;
      const rest = mask ^ low;
      let bestValue = -Infinity;
      let bestSub = 0;
      // S = low ∪ sub for every sub ⊆ rest, the whole of `mask` first so ties favour fewer groups.
      for (let sub = rest; ; sub = (sub - 1) & rest) {
        const group = sub | low;
        const remaining = mask ^ group;
        const value = subsetScore[group] + best[g - 1][remaining];
        if (value > bestValue + TIE) {
          bestValue = value;
          bestSub = group;
        }
        if (sub === 0) break;
      }
      b[mask] = bestValue;
      c[mask] = bestSub;
    }
    best.push(b);
    choice.push(c);
  }
  const groups: number[][] = [];
  let mask = full;
  for (let g = maxGroups; mask !== 0; g--) {
    const group = choice[g][mask];
    groups.push(membersOf(group, k));
    mask ^= group;
  }
  return { groups, score: best[maxGroups][full] };
}

function clusteredPartition(a: Float64Array[], maxGroups: number): IndexPartition {
  const k = a.length;
  const sym = a.map((row, i) => Float64Array.from(row, (v, j) => (i === j ? 0 : (v + a[j][i]) / 2)));
  let top = -Infinity;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) top = Math.max(top, sym[i][j]);
  const distance = sym.map((row, i) => Array.from(row, (v, j) => (i === j ? 0 : top - v)));
  const tree = agnes(distance, { method: 'average', isDistanceMatrix: true });

  let bestPartition: IndexPartition = { groups: [], score: -Infinity };
  for (let g = 1; g <= maxGroups; g++) {
    const grouped = tree.group(g);
    const groups = (grouped.children.length ? grouped.children : [grouped]).map((c) => c.indices().sort((x, y) => x - y));
    const score = groups.reduce((s, members) => s + groupScore(a, members), 0);
    if (score > bestPartition.score + TIE) bestPartition = { groups, score };
  }
  return bestPartition;
}
