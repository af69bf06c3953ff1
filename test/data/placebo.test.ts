// Placebo sources: the same compounds, the labels shuffled among them, seeded; never new information.
import { describe, expect, it } from 'vitest';
import { isPlacebo, placeboName, placeboSources, withPlaceboTasks } from '../../lib/data/placebo.ts';
import type { LabelMatrix } from '../../lib/types.ts';

const n = 200;
const labels: LabelMatrix = {
  compoundIds: Array.from({ length: n }, (_, r) => `c${r}`),
  tasks: ['A', 'B'],
  labels: Int8Array.from({ length: n * 2 }, (_, i) => {
    const r = Math.floor(i / 2);
    if (i % 2 === 0) return r % 3 === 0 ? -1 : r % 4 === 0 ? 1 : 0;
    return r % 2 === 0 ? (r % 10 < 3 ? 1 : 0) : -1;
  }),
};

describe('placebo tasks', () => {
  it('keeps every real column and adds a shuffled copy on the same compounds with the same positive count', () => {
    const out = withPlaceboTasks(labels, ['A', 'B'], 0);
    expect(out.tasks).toEqual(['A', 'B', 'A~placebo', 'B~placebo']);
    for (const [t, task] of ['A', 'B'].entries()) {
      const real = Array.from({ length: n }, (_, r) => labels.labels[r * 2 + t]);
      const copy = Array.from({ length: n }, (_, r) => out.labels[r * 4 + 2 + t]);
      expect(Array.from({ length: n }, (_, r) => out.labels[r * 4 + t])).toEqual(real);
      expect(copy.map((y) => y >= 0)).toEqual(real.map((y) => y >= 0));
      expect(copy.filter((y) => y === 1).length).toBe(real.filter((y) => y === 1).length);
      expect(copy).not.toEqual(real);
      expect(isPlacebo(placeboName(task))).toBe(true);
    }
    expect(withPlaceboTasks(labels, ['A'], 0).labels).toEqual(withPlaceboTasks(labels, ['A'], 0).labels);
    expect(withPlaceboTasks(labels, ['A'], 1).labels).not.toEqual(withPlaceboTasks(labels, ['A'], 0).labels);
  });

  it('resolves "all" to the selected tasks and names an unknown source', () => {
    expect(placeboSources('all', ['A', 'B'])).toEqual(['A', 'B']);
    expect(placeboSources([], ['A', 'B'])).toEqual([]);
    expect(() => withPlaceboTasks(labels, ['Z'], 0)).toThrow(/study\.placebo\.sources.*'Z'/);
  });
});

describe('reserved task names', () => {
  it("refuses a real target id ending with '~placebo', naming it", async () => {
    const { checkNoReservedNames } = await import('../../lib/data/placebo.ts');
    expect(() => checkNoReservedNames(['A', 'B~placebo'])).toThrow(/'tasks'.*'B~placebo' end with '~placebo', which mtlc reserves/);
    expect(() => checkNoReservedNames(['A', 'placebo'])).not.toThrow();
  });
});
