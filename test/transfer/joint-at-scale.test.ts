// The random design with more tasks than the exact joint search takes (docs/methods.md, "The joint model at
// scale"): through the Fit and Transfer steps, each target's joint fit is penalised, the planted pairs lead, and the
// rows carry the estimate without an interval or verdict (the penalised test is not calibrated) and say why.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { JOINT_EXACT_MAX_SOURCES } from '../../lib/curves/penalisedJoint.ts';
import { enumeratePoints } from '../../lib/design/index.ts';
import { pointResultsFromLaws, type TransferLaw } from '../../lib/synthetic/curveLaws.ts';
import { deriveTransfer, fitRun } from '../../lib/transfer/index.ts';
import { PENALISED_INFERENCE_NOTE, PENALISED_TEST_NOTE } from '../../lib/transfer/fit/planned.ts';

const K = 16;
const tasks = Array.from({ length: K }, (_, i) => `T${String(i).padStart(2, '0')}`);
/** T01 and T02 help T00 (scaled rates ~0.5 at 512 rows), T03 hurts it; no other transfer. */
const laws: Record<string, TransferLaw> = Object.fromEntries(
  tasks.map((t): [string, TransferLaw] => [t, { c: 0.9, b: Math.log(0.35), a: 1 / 150, s: t === 'T00' ? { T01: 1 / 1000, T02: 0.8 / 1000, T03: -0.8 / 1000 } : {} }]),
);

describe('the joint model at scale', () => {
  it(`penalises a ${K}-task random design (${K - 1} sources > ${JOINT_EXACT_MAX_SOURCES}): planted pairs lead, no verdict is claimed`, () => {
    const config = parseRunConfig({ split: { folds: 5 }, study: { designs: ['random'], seeds: 1, randomRuns: 24, placebo: { sources: [] }, tag: { enabled: false }, lookahead: { enabled: false } } });
    const available = [0, 1, 2, 3, 4].flatMap((fold) => tasks.map((task) => ({ split: 'random' as const, fold, task, nTrain: 512 })));
    const plan = enumeratePoints(config, available);
    const input = { runId: 'scale', config, points: plan.points, results: pointResultsFromLaws(plan.points, laws, { noise: 0.004, seed: 5 }), caps: plan.caps };
    const curves = fitRun(input);
    const joint = curves.fits.filter((f) => f.model === 'joint');
    expect(joint).toHaveLength(K);
    for (const f of joint) {
      expect(f.status).toBe('ok');
      expect(f.penalty?.criterion).toBe('leave-one-replicate-out');
      expect(f.tests).toBeUndefined();
      expect(f.jackknife?.params).toHaveLength(5);
    }
    const transfer = deriveTransfer(curves, input);
    const rows = transfer.pairwise.filter((p) => p.design === 'random' && p.target === 'T00');
    expect(rows).toHaveLength(K - 1);
    for (const r of rows) {
      expect(r.independentPoints).toBeUndefined();
      expect(r.independentPointsNote).toBe(PENALISED_TEST_NOTE);
      expect(r.inference).toMatchObject({ groups: 5, p: null, ci: null, note: PENALISED_INFERENCE_NOTE });
      expect([r.p, r.q, r.verdict, r.ci]).toEqual([null, null, null, null]);
    }
    const bySize = [...rows].sort((p, q) => Math.abs(q.s) - Math.abs(p.s)).slice(0, 3);
    expect(bySize.map((r) => r.source).sort()).toEqual(['T01', 'T02', 'T03']);
    expect(rows.find((r) => r.source === 'T01')!.s).toBeGreaterThan(0);
    expect(rows.find((r) => r.source === 'T03')!.s).toBeLessThan(0);
  });
});
