import { describe, expect, it } from 'vitest';
import { selectTasks } from '../../lib/data/select.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { TaskSummary } from '../../lib/types.ts';

const t = (task: string, positives: number, negatives: number): TaskSummary => ({ task, labelled: positives + negatives, positives, negatives });
// Ranking by labelled count, ties by id: A(100) C(80) B(80) ... → A, B, C, D, E, F
const counts = [t('C', 40, 40), t('A', 50, 50), t('B', 5, 75), t('D', 30, 30), t('E', 20, 2), t('F', 10, 10)];
const sel = { top: 3, minPositives: 10, minNegatives: 10 };

describe('task selection', () => {
  it('top K: ranks by labelled compounds, ties by id, skipping and reporting tasks short of positives/negatives', () => {
    const r = selectTasks(counts, sel, 'data.csv');
    expect(r.selected.map((s) => s.task)).toEqual(['A', 'C', 'D']);
    expect(r.excluded).toEqual([{ task: 'B', reason: '5 positives < tasks.minPositives = 10' }]);
    expect(r.notes.join()).toMatch(/2 targets with fewer labelled compounds were not considered/);
  });

  it('top K: reports when fewer than K qualify, and lists every shortfall', () => {
    const r = selectTasks(counts, { ...sel, top: 10 }, 'data.csv');
    expect(r.selected.map((s) => s.task)).toEqual(['A', 'C', 'D', 'F']);
    expect(r.excluded).toContainEqual({ task: 'E', reason: '2 negatives < tasks.minNegatives = 10' });
    expect(r.notes.join()).toMatch(/only 4 of 6 targets qualify/);
  });

  it('top K: no qualifying task is a config error', () => {
    expect(() => selectTasks(counts, { ...sel, minPositives: 1000 }, 'data.csv')).toThrow(ConfigError);
  });

  it('explicit list: keeps the given order', () => {
    expect(selectTasks(counts, { ...sel, list: ['F', 'A'] }, 'data.csv').selected.map((s) => s.task)).toEqual(['F', 'A']);
  });

  it('explicit list: an unknown target, a duplicate and a task with too few positives are named by field', () => {
    try {
      selectTasks(counts, { ...sel, list: ['A', 'ZZZ', 'B', 'A'] }, 'data.csv');
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues;
      expect(issues).toEqual([
        { field: 'tasks.list.1', message: "target 'ZZZ' is not in data.csv (6 targets there)" },
        { field: 'tasks.list.2', message: "target 'B' has too few labels: 5 positives < tasks.minPositives = 10" },
        { field: 'tasks.list.3', message: "target 'A' is listed twice" },
      ]);
      expect((err as Error).message).toContain("'tasks.list.1'");
    }
  });
});
