// trainSpecs, the trainer of a job: points of one shape as one batched program, probed points alone, and a point
// that fails (its data, or storing it) reported as failed while the others are trained and stored.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../lib/config.ts';
import { enumeratePoints } from '../../lib/design/index.ts';
import { loadBackend } from '../../lib/model/index.ts';
import { plantedGroups } from '../../lib/synthetic/plantedGroups.ts';
import { availableCounts, randomFolds } from '../../lib/splits/index.ts';
import { trainSpec, trainSpecs, type TrainingSource } from '../../lib/training/point.ts';
import type { PointResult, PointSpec } from '../../lib/types.ts';

const data = plantedGroups({ groupSizes: [2, 1], compounds: 600, dim: 24, observed: 0.7, noise: 0.3, seed: 3 });
const source: TrainingSource = { features: data.features, labels: data.labels, assignment: randomFolds(data.labels.compoundIds.length, 5, 1) };
const config = parseRunConfig({
  split: { kinds: ['random'], folds: 5, useFolds: [0] },
  model: { hidden: [16], dropout: 0.1, batchSize: 32, learningRate: 0.01, maxSteps: 200 },
  study: { designs: ['single', 'all'], grid: { min: 16, max: 64, factor: 2 }, seeds: 1, tag: { enabled: true, every: 5 }, lookahead: { enabled: false } },
});

describe('trainSpecs', () => {
  it('trains every point as trainSpec does alone, and reports the ones that fail without stopping the rest', async () => {
    const backend = await loadBackend();
    const specs = enumeratePoints(config, availableCounts(source.labels, [source.assignment], [0])).points;
    expect(specs.some((s) => s.probes?.tag)).toBe(true);
    const shapes = new Set(specs.map((s) => Object.values(s.sizes).filter((n) => n > 0).length));
    expect(shapes.size).toBeGreaterThan(1);
    const broken = specs[1];
    const unstorable = specs[specs.length - 1];
    const stored = new Map<string, PointResult>();
    const failed = new Map<string, string>();
    const sourceOf = (spec: PointSpec): TrainingSource => {
      if (spec === broken) throw new Error(`point ${spec.id}: the run has no such split`);
      return source;
    };
    await trainSpecs(sourceOf, specs, config.model, {
      backend,
      pointsAtOnce: 3,
      onPoint: (result) => {
        if (result.id === unstorable.id) throw new Error('disk full');
        stored.set(result.id, result);
      },
      onError: (spec, error) => void failed.set(spec.id, error.message),
    });
    expect([...failed.keys()].sort()).toEqual([broken.id, unstorable.id].sort());
    expect(failed.get(unstorable.id)).toBe('disk full');
    expect(stored.size).toBe(specs.length - 2);
    // Batched or alone, a point is what trainSpec makes of it.
    for (const spec of specs.filter((s) => stored.has(s.id)).slice(0, 4)) {
      const alone = await trainSpec(source, spec, config.model, backend);
      expect(stored.get(spec.id)!.metrics).toEqual(alone.metrics);
      expect(stored.get(spec.id)!.steps).toBe(alone.steps);
    }
  });
});
