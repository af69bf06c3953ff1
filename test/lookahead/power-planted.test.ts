// Power of the snapshot branches on planted task groups: the real trainer runs the single-task curves and one
// branch job per target and replicate; the analysis turns the readings into ŝ_ij, which must rank the related
// ordered pairs above the unrelated ones and call no placebo source.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { withPlaceboTasks } from '../../lib/data/placebo.ts';
import { enumeratePoints } from '../../lib/design/index.ts';
import { auroc } from '../../lib/metrics/auroc.ts';
import { loadBackend } from '../../lib/model/index.ts';
import { availableCounts, randomFolds } from '../../lib/splits/index.ts';
import { plantedGroups } from '../../lib/synthetic/plantedGroups.ts';
import { trainPlan } from '../../lib/synthetic/trainPlan.ts';
import type { TrainingSource } from '../../lib/training/point.ts';
import { analyseRun } from '../../lib/transfer/index.ts';

const data = plantedGroups({ groupSizes: [2, 2, 1], compounds: 1600, dim: 24, observed: 0.7, noise: 0.3, seed: 5 });
const labels = withPlaceboTasks(data.labels, data.labels.tasks, 0);
const source: TrainingSource = { features: data.features, labels, assignment: randomFolds(labels.compoundIds.length, 5, 1) };
const config = parseRunConfig({
  split: { kinds: ['random'], folds: 5, useFolds: [0, 1] },
  model: { hidden: [32], dropout: 0, batchSize: 32, learningRate: 0.01 },
  study: {
    designs: ['single'],
    // Up to each task's full ~900 rows: the default Δ (512) must fit within the grid.
    grid: { min: 16, max: 'full', factor: 4 },
    seeds: 2,
    bootstrap: 20,
    tag: { enabled: false },
    lookahead: { enabled: true }, // the defaults
  },
});

describe('power of the snapshot branches on planted task groups', () => {
  it('ŝ_ij separates related from unrelated pairs (AUROC ≥ 0.95) and calls no placebo source', async () => {
    const plan = enumeratePoints(config, availableCounts(labels, [source.assignment], [0, 1]));
    const backend = await loadBackend();
    const results = await trainPlan({ source, points: plan.points, model: config.model, backend });
    const { transfer } = analyseRun({ runId: 'planted-branches', config, points: plan.points, results });

    const real = transfer.lookahead.filter((l) => !l.placebo);
    const placebo = transfer.lookahead.filter((l) => l.placebo);
    const separation = auroc(real.map((l) => (data.related(l.source, l.target) ? 1 : 0)), real.map((l) => l.s));
    console.log(
      `snapshot branches on planted groups ${JSON.stringify(data.groups)}: AUROC ${separation?.toFixed(3)} over ${real.length} pairs; ` +
        `verdicts ${real.filter((l) => l.verdict === 'positive').length} positive / ${real.filter((l) => l.verdict === 'negative').length} negative; ` +
        `placebo ${placebo.filter((l) => l.verdict !== 'none').length} of ${placebo.length} called; ${transfer.cost.lookahead.seconds.toFixed(1)} s of jobs on ${backend.backend}`,
    );
    expect(transfer.failed?.filter((f) => f.analysis === 'lookahead')).toEqual([]);
    expect(real).toHaveLength(20);
    expect(real.every((l) => l.inference.groups === 4)).toBe(true);
    expect(separation).toBeGreaterThanOrEqual(0.95);
    // The related pairs are estimated positive, and on the pairwise curves' scale: a fraction of the target's own a_i.
    const related = real.filter((l) => data.related(l.source, l.target));
    expect(related.every((l) => l.s > 0 && l.exchangeRate < 1.5)).toBe(true);
    expect(placebo).toHaveLength(5 * 2); // study.lookahead.placebos = 2 per target
    // The control rows: no placebo copy differs from the others, either way.
    expect(placebo.filter((l) => l.verdict !== 'none')).toEqual([]);
  }, 300_000); // 20 branch jobs and 80 single-task points: ~35 s alone on 2 cores
});
