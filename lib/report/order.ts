// Orders the tasks of a source × target matrix so that tasks with similar transfer sit together (hierarchical clustering).
import { agnes } from 'ml-hclust';

/**
 * Leaf order of an average-linkage (UPGMA) clustering of the tasks. Task t is described by its transfer
 * profile: row t (t as source, to every target) followed by column t (every source, to t), missing
 * entries and the diagonal as 0; the distance is Euclidean between profiles. Ties and tiny inputs keep
 * the given order.
 */
export function clusterOrder(tasks: readonly string[], value: (source: string, target: string) => number | undefined): string[] {
  if (tasks.length <= 2) return [...tasks];
  const profile = tasks.map((t) => [
    ...tasks.map((u) => (u === t ? 0 : (value(t, u) ?? 0))),
    ...tasks.map((u) => (u === t ? 0 : (value(u, t) ?? 0))),
  ]);
  const distance = profile.map((p) => profile.map((q) => Math.sqrt(p.reduce((s, v, k) => s + (v - q[k]) ** 2, 0))));
  const tree = agnes(distance, { method: 'average', isDistanceMatrix: true });
  return tree.indices().map((k) => tasks[k]);
}
