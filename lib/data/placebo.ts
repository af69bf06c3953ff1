// Placebo sources: a copy of a task on the same compounds with its labels shuffled among them (seeded). Same
// size, same positive rate, same inputs — and no information about any task. What transfer from a placebo
// looks like is the empirical null of a study (docs/methods.md, "Placebo controls").
import { ConfigError } from '../errors.ts';
import { rngFromKey, shuffleInPlace } from '../stats/rng.ts';
import type { LabelMatrix } from '../types.ts';

/** The tasks a study gives placebo copies: `study.placebo.sources` ('all' = every selected task). */
export function placeboSources(sources: 'all' | readonly string[], tasks: readonly string[]): string[] {
  return sources === 'all' ? [...tasks] : [...sources];
}

/** The name of the placebo copy of `task`. */
export function placeboName(task: string): string {
  return `${task}~placebo`;
}

/** Real task ids may not end with the placebo suffix: mtlc would take them for placebo copies. */
export function checkNoReservedNames(tasks: readonly string[]): void {
  const reserved = tasks.filter(isPlacebo);
  if (reserved.length) {
    throw new ConfigError([{ field: 'tasks', message: `target id(s) ${reserved.slice(0, 5).map((t) => `'${t}'`).join(', ')} end with '~placebo', which mtlc reserves for placebo copies: rename them in the data` }]);
  }
}

/** Whether a task is a placebo copy. */
export function isPlacebo(task: string): boolean {
  return task.endsWith('~placebo');
}

/**
 * The label matrix with one placebo column appended per source task: the task's labelled compounds keep their
 * places, and their labels are permuted among them by a generator keyed on (seed, task).
 */
export function withPlaceboTasks(labels: LabelMatrix, sources: readonly string[], seed: number): LabelMatrix {
  const K = labels.tasks.length;
  const unknown = sources.filter((s) => !labels.tasks.includes(s));
  if (unknown.length) throw new ConfigError([{ field: 'study.placebo.sources', message: `task(s) ${unknown.map((t) => `'${t}'`).join(', ')} not among the selected tasks (${labels.tasks.join(', ')})` }]);
  const P = sources.length;
  const n = labels.compoundIds.length;
  const out = new Int8Array(n * (K + P)).fill(-1);
  for (let r = 0; r < n; r++) out.set(labels.labels.subarray(r * K, (r + 1) * K), r * (K + P));
  sources.forEach((task, p) => {
    const t = labels.tasks.indexOf(task);
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (labels.labels[r * K + t] >= 0) rows.push(r);
    const shuffled = shuffleInPlace(rows.map((r) => labels.labels[r * K + t]), rngFromKey(`placebo|${seed}|${task}`));
    rows.forEach((r, i) => (out[r * (K + P) + K + p] = shuffled[i]));
  });
  return { compoundIds: labels.compoundIds, tasks: [...labels.tasks, ...sources.map(placeboName)], labels: out };
}
