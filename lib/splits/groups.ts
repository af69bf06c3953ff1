// Compounds that are the same input to the model: identical SMILES text or an identical feature row (ECFP
// merges stereoisomers and some other pairs). They must never sit on both sides of a split.
import type { FeatureMatrix } from '../types.ts';

/** Union–find over rows: parent links with path halving. */
class Components {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) i = p[i] = p[p[i]];
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** The feature row of compound r as text (equal rows give equal text). */
function featureKey(features: FeatureMatrix, r: number): string {
  if (features.kind === 'sparse') return Array.from(features.indices.subarray(features.offsets[r], features.offsets[r + 1])).sort((a, b) => a - b).join(',');
  return Buffer.from(features.values.buffer, features.values.byteOffset + r * features.dim * 4, features.dim * 4).toString('base64');
}

/**
 * Duplicate components: rows joined when they share a SMILES string or a feature row, transitively, plus any
 * extra keys (e.g. scaffolds) joined the same way. Returns the component index of every row, numbered in order
 * of first appearance, and how many rows share their component with another row because of duplicates.
 */
export function compoundGroups(
  n: number,
  options: { smiles?: readonly string[]; features?: FeatureMatrix; extraKeys?: readonly string[] },
): { group: Int32Array; duplicatesGrouped: number } {
  const components = new Components(n);
  const join = (keyOf: (r: number) => string) => {
    const first = new Map<string, number>();
    for (let r = 0; r < n; r++) {
      const key = keyOf(r);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, r);
      else components.union(seen, r);
    }
  };
  if (options.smiles) join((r) => options.smiles![r]);
  if (options.features) join((r) => featureKey(options.features!, r));
  const size = new Int32Array(n);
  for (let r = 0; r < n; r++) size[components.find(r)]++;
  let duplicatesGrouped = 0;
  for (let r = 0; r < n; r++) if (size[components.find(r)] > 1) duplicatesGrouped++;
  if (options.extraKeys) join((r) => options.extraKeys![r]);
  const index = new Map<number, number>();
  const group = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const root = components.find(r);
    let g = index.get(root);
    if (g === undefined) index.set(root, (g = index.size));
    group[r] = g;
  }
  return { group, duplicatesGrouped };
}
