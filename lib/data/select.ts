// Which targets become tasks: an explicit list, or the K with the most labelled compounds that have
// enough positives and negatives.
import { ConfigError } from '../errors.ts';
import type { ExcludedTask, TaskSummary } from '../types.ts';
import type { BinaryTable } from './table.ts';

/** Per-target counts over the compounds with keep[c] = 1 (all when keep is absent), in table target order. */
export function countTargets(table: BinaryTable, keep?: Uint8Array): TaskSummary[] {
  const labelled = new Int32Array(table.targets.length);
  const positives = new Int32Array(table.targets.length);
  for (let k = 0; k < table.label.length; k++) {
    if (keep && !keep[table.compound[k]]) continue;
    labelled[table.target[k]]++;
    positives[table.target[k]] += table.label[k];
  }
  return table.targets.map((task, t) => ({ task, labelled: labelled[t], positives: positives[t], negatives: labelled[t] - positives[t] }));
}

export interface TaskSelection {
  list?: string[];
  top: number;
  minPositives: number;
  minNegatives: number;
}

export interface SelectedTasks {
  selected: TaskSummary[];
  excluded: ExcludedTask[];
  notes: string[];
}

function shortfall(s: TaskSummary, sel: TaskSelection): string | undefined {
  const problems: string[] = [];
  if (s.positives < sel.minPositives) problems.push(`${s.positives} positives < tasks.minPositives = ${sel.minPositives}`);
  if (s.negatives < sel.minNegatives) problems.push(`${s.negatives} negatives < tasks.minNegatives = ${sel.minNegatives}`);
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * Explicit list: every id must be a target of the data with enough positives and negatives, or the
 * whole list is rejected (one ConfigError naming each bad `tasks.list.<i>`); order is kept.
 *
 * Top K: targets ranked by labelled compounds (descending, ties by id ascending); walking down the
 * ranking, a target short of positives or negatives is excluded with the reason, until K are taken.
 * Targets below the K-th selected one are summarised in one note, not listed.
 */
export function selectTasks(counts: TaskSummary[], sel: TaskSelection, source: string): SelectedTasks {
  const byId = new Map(counts.map((c) => [c.task, c]));
  if (sel.list) {
    const issues: { field: string; message: string }[] = [];
    const seen = new Set<string>();
    sel.list.forEach((id, i) => {
      const c = byId.get(id);
      if (seen.has(id)) issues.push({ field: `tasks.list.${i}`, message: `target '${id}' is listed twice` });
      else if (!c) issues.push({ field: `tasks.list.${i}`, message: `target '${id}' is not in ${source} (${counts.length} targets there)` });
      else {
        const why = shortfall(c, sel);
        if (why) issues.push({ field: `tasks.list.${i}`, message: `target '${id}' has too few labels: ${why}` });
      }
      seen.add(id);
    });
    if (issues.length) throw new ConfigError(issues);
    return { selected: sel.list.map((id) => byId.get(id)!), excluded: [], notes: [] };
  }

  const ranked = [...counts].sort((a, b) => b.labelled - a.labelled || (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
  const selected: TaskSummary[] = [];
  const excluded: ExcludedTask[] = [];
  let next = 0;
  for (; next < ranked.length && selected.length < sel.top; next++) {
    const why = shortfall(ranked[next], sel);
    if (why) excluded.push({ task: ranked[next].task, reason: why });
    else selected.push(ranked[next]);
  }
  if (selected.length === 0) {
    throw new ConfigError([
      { field: 'tasks', message: `no target of ${source} has ≥ ${sel.minPositives} positives and ≥ ${sel.minNegatives} negatives` },
    ]);
  }
  const notes: string[] = [];
  if (selected.length < sel.top) notes.push(`only ${selected.length} of ${counts.length} targets qualify (tasks.top = ${sel.top})`);
  if (next < ranked.length) notes.push(`${ranked.length - next} targets with fewer labelled compounds were not considered (tasks.top = ${sel.top})`);
  return { selected, excluded, notes };
}
