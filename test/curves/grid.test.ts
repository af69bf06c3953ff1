// The global search's grids: the coarse-to-fine search finds the fine grid's best local minima at a fraction of
// its evaluations.
import { describe, expect, it } from 'vitest';
import { bestGridPoints, coarseToFineGridPoints, linspace } from '../../lib/curves/grid.ts';

describe('coarseToFineGridPoints', () => {
  // Two basins of different depth, off the coarse grid's cells, on an axis as long as EXP3.2's (41 × 71).
  const axes: [number[], number[]] = [linspace(0, 10, 41), linspace(-5, 5, 71)];
  const objective = (t: number[]) => Math.min((t[0] - 2.13) ** 2 + (t[1] + 1.07) ** 2, 0.3 + 0.5 * ((t[0] - 7.4) ** 2 + (t[1] - 2.9) ** 2));

  it('returns the same lowest minima as the full grid', () => {
    const full = bestGridPoints(axes, objective, 2);
    expect(coarseToFineGridPoints(axes, objective, 2)).toEqual(full);
  });

  it('evaluates about a fifth of the grid', () => {
    let calls = 0;
    coarseToFineGridPoints(axes, (t) => (calls++, objective(t)), 6);
    expect(calls).toBeLessThan((41 * 71) / 3);
    expect(calls).toBeGreaterThan((21 * 36) - 1);
  });
});
