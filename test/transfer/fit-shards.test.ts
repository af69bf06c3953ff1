// The Fit step cut into per-target shards: fitted one by one in any order and merged, they give exactly the
// curves.json of fitting every planned curve in one loop (the unsharded Fit step), and a merge refuses shards that
// are missing, unknown or fitted from other points.
import { beforeAll, describe, expect, it } from 'vitest';
import { ComputationError } from '../../lib/errors.ts';
import type { CurvesFile, FitFailure } from '../../lib/results.ts';
import {
  compareSingleTaskModels,
  fitOptionsOf,
  fitPlanned,
  fitRun,
  fitShard,
  fitsInOrder,
  matchResults,
  mergeFits,
  observationsOf,
  planFits,
  planShards,
  shardIdOf,
  type AnalyseInput,
} from '../../lib/transfer/index.ts';
import type { FitShardResult } from '../../lib/documents.ts';
import { lawStudy } from './lawStudy.ts';

/** The Fit step before sharding: every planned fit in canonical order in one loop, then the LCDB comparison. */
function unshardedCurves(input: AnalyseInput): CurvesFile {
  const { completed } = matchResults(input.points, input.results);
  const plan = planFits(input.config, input.points, completed);
  const failed: FitFailure[] = [];
  const fits = fitsInOrder(plan).map((p) => fitPlanned(p, fitOptionsOf(input.config), failed));
  const singles = plan.flatMap((s) => s.tasks.flatMap((t) => (t.single ? [{ task: t.task, split: s.split, selected: t.single.select() }] : [])));
  return { runId: input.runId, metric: 'auroc', observations: observationsOf(completed), fits, comparison: compareSingleTaskModels(singles), failed };
}

let input: AnalyseInput;
let ids: string[];
let shards: FitShardResult[];

beforeAll(() => {
  input = lawStudy('shards');
  ids = planShards(input).shards.map((s) => s.id);
  // Each shard from a fresh input and its own plan, in reverse order, as separate Lambdas would fit them.
  shards = [...ids].reverse().map((id) => {
    const fresh = lawStudy('shards');
    return fitShard(fresh, planShards(fresh), id);
  });
});

describe('fit shards', () => {
  it('has one shard per (split, target task) with its single/all/contextual, pairwise-into-it and joint fits', () => {
    expect(ids).toEqual(['random.A', 'random.B', 'random.C']);
    const a = shards.find((s) => s.shardId === 'random.A')!;
    expect(a.fits.map((f) => `${f.design}:${f.source ?? ''}→${f.task}`).sort()).toEqual(['all:→A', 'contextual:→A', 'pairwise:B→A', 'pairwise:C→A', 'random:→A', 'single:→A']);
    expect(a.fits.every((f) => f.task === 'A')).toBe(true);
    expect(a.comparison.map((c) => c.task)).toEqual(Array(a.comparison.length).fill('A'));
    expect(a.comparison.length).toBeGreaterThan(0);
    const { plan } = planShards(input);
    expect(shards.reduce((n, s) => n + s.fits.length, 0)).toBe(fitsInOrder(plan).length);
  });

  it('merged in any order, equals the unsharded fit of every curve (same values, seeds and order)', () => {
    const reference = unshardedCurves(input);
    const merged = mergeFits(input, planShards(input), shards);
    expect(JSON.stringify(merged)).toBe(JSON.stringify(reference));
    expect(JSON.stringify(fitRun(input))).toBe(JSON.stringify(reference));
    expect(merged.fits.filter((f) => f.ci).length).toBeGreaterThan(0);
  });

  it('keeps each failure with its fit, in the order of the fits', () => {
    // One replicate of C's single-task curve only: that fit fails, in C's shard.
    const single = input.points.filter((p) => Object.keys(p.sizes).join() === 'C');
    const dropped = new Set(single.slice(1).map((p) => p.id));
    const sparse: AnalyseInput = { ...input, config: { ...input.config, study: { ...input.config.study, designs: ['single'] } }, results: input.results.filter((r) => !dropped.has(r.id)) };
    const run = planShards(sparse);
    const parts = run.shards.map((sh) => fitShard(sparse, run, sh.id));
    expect(parts.find((p) => p.task === 'C')!.failed).toEqual([expect.objectContaining({ task: 'C', design: 'single' })]);
    expect(mergeFits(sparse, run, parts.reverse())).toEqual(unshardedCurves(sparse));
  });

  it('names missing, unknown and stale shards instead of merging them', () => {
    expect(() => mergeFits(input, planShards(input), shards.filter((s) => s.shardId !== 'random.B'))).toThrow(/missing fit shard\(s\) random\.B/);
    expect(() => mergeFits(input, planShards(input), [...shards, { ...shards[0], shardId: 'scaffold.Z' }])).toThrow(/not in the plan: scaffold\.Z/);
    expect(() => mergeFits(input, planShards(input), [...shards, shards[0]])).toThrow(/given twice/);
    // A shard fitted before one more point finished is stale: the merge must not mix it with newer shards.
    const fewer: AnalyseInput = { ...input, results: input.results.slice(1) };
    const staleA = fitShard(fewer, planShards(fewer), 'random.A');
    expect(() => mergeFits(input, planShards(input), [staleA, ...shards.filter((s) => s.shardId !== 'random.A')])).toThrow(ComputationError);
    expect(() => mergeFits(input, planShards(input), [staleA, ...shards.filter((s) => s.shardId !== 'random.A')])).toThrow(/fitted from other points.*random\.A/);
  });

  it('refuses an unknown shard id, listing the run\'s shards', () => {
    expect(() => fitShard(input, planShards(input), 'random.Q')).toThrow(/no fit shard 'random\.Q'.*random\.A, random\.B, random\.C/);
  });
});

describe('shardIdOf', () => {
  it('is <split>.<task> for key-safe task ids and a slug plus hash otherwise, distinct for distinct tasks', () => {
    expect(shardIdOf('scaffold', 'P00533')).toBe('scaffold.P00533');
    const odd = shardIdOf('random', 'CHEMBL 203/EGFR');
    expect(odd).toMatch(/^random\.CHEMBL_203_EGFR-[0-9a-f]{8}$/);
    expect(shardIdOf('random', 'CHEMBL 203?EGFR')).not.toBe(odd);
    expect(shardIdOf('random', '∆')).toMatch(/^random\.[0-9a-f]{8}$/);
    expect(shardIdOf('random', 'x'.repeat(100))).toMatch(/^random\.x{40}-[0-9a-f]{8}$/);
  });
});
