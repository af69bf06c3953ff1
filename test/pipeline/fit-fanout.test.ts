// The Fit step fanned out on a folder store, as the state machine runs it: PlanFits lists the shards, each
// FitShard writes results/fits/<shardId>.json, MergeFits writes curves.json — equal to the unsharded fit. A redrive
// refits only missing or stale shards; the fit handler dispatches on `action`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFitHandler } from '../../functions/fit/handler.ts';
import { runLayout, type RunStatus } from '../../lib/layout.ts';
import { fitShardKey, fitShardStep, fitShardsPrefix, fitStep, mergeFitsStep, planFitsStep, type StoredPlan } from '../../lib/pipeline/steps.ts';
import type { CurvesFile } from '../../lib/results.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { putJson, type ObjectStore } from '../../lib/storage/port.ts';
import { storedJson } from '../helpers/store.ts';
import { fitRun, type AnalyseInput } from '../../lib/transfer/index.ts';
import type { FitShardResult } from '../../lib/documents.ts';
import { lawStudy } from '../transfer/lawStudy.ts';
import { timeFitStep } from '../../bench/fitStep.ts';

const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A store that counts the reads of each key (get, exists) and passes everything to `inner`. */
function countingStore(inner: ObjectStore) {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const store: ObjectStore = {
    get: (key) => (count(key), inner.get(key)),
    exists: (key) => (count(key), inner.exists(key)),
    put: (key, body, type) => inner.put(key, body, type),
    list: (prefix) => inner.list(prefix),
    describe: (key) => inner.describe(key),
  };
  return {
    store,
    reads: (key: string) => counts.get(key) ?? 0,
    readsUnder: (prefix: string) => [...counts].filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0),
    all: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
  };
}

let root: string;
let store: FolderStore;
let input: AnalyseInput;
let expected: CurvesFile;
const runId = 'fanout';
const ctx = () => ({ store, runId });

/** A run's plan and trained points in the bucket, as Plan and the trainers leave them. */
async function storeRun(s: FolderStore, study: AnalyseInput): Promise<void> {
  const plan: StoredPlan = { points: study.points, caps: study.caps ?? [], runId, config: study.config, hash: 'test', createdAt: '2025-01-01T00:00:00Z' } as StoredPlan;
  await putJson(s, runLayout(runId).plan, plan);
  for (const r of study.results) await putJson(s, runLayout(runId).point(r.id), r);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mtlc-fanout-'));
  store = new FolderStore(path.join(root, 'bucket'));
  input = lawStudy(runId);
  await storeRun(store, input);
  expected = viaJson(fitRun(input));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('the Fit step fanned out', () => {
  it('lists the shards, fits each into results/fits/, and merges curves.json equal to the unsharded fit', async () => {
    const listed = await planFitsStep(ctx());
    expect(listed).toEqual({ runId, shardsTotal: 3, pending: ['random.A', 'random.B', 'random.C'] });
    expect((await storedJson<RunStatus>(store, runLayout(runId).status))).toMatchObject({ step: 'Fit', progress: { pointsDone: input.points.length, pointsFailed: 0 } });
    for (const shardId of [...listed.pending].reverse()) {
      const out = await fitShardStep({ ...ctx(), shardId });
      expect(out).toMatchObject({ shardId, skipped: false });
      expect(out.fits).toBeGreaterThan(0);
    }
    expect((await store.list(fitShardsPrefix(runId))).sort()).toEqual([...listed.pending.map((id) => fitShardKey(runId, id)), runLayout(runId).fitInputs].sort());
    expect(await mergeFitsStep(ctx())).toEqual({ fits: expected.fits.length, failed: 0, shards: 3 });
    expect(await storedJson<CurvesFile>(store, runLayout(runId).curves)).toEqual(expected);
    expect((await planFitsStep(ctx())).pending).toEqual([]);
  });

  it('is timed by npm run bench -- --fit-inputs on the stored inputs document, with the shards and fits of the run', async () => {
    const file = path.join(root, 'bucket', runLayout(runId).fitInputs);
    const timing = timeFitStep(file);
    expect(timing.shards.map((s) => s.id)).toEqual(['random.A', 'random.B', 'random.C']);
    expect(timing.shards.reduce((n, s) => n + s.fits, 0)).toBe(expected.fits.length);
    expect(timing.totalSeconds).toBeGreaterThanOrEqual(timing.shards.reduce((t, s) => t + s.seconds, 0));
    await writeFile(path.join(root, 'not-inputs.json'), JSON.stringify({ points: [] }));
    expect(() => timeFitStep(path.join(root, 'not-inputs.json'))).toThrow(/not-inputs\.json: not a Fit step inputs document \(field 'inputs'/);
  });

  it('reads its inputs once per shard: one document, not the plan and every point file', async () => {
    const counting = countingStore(store);
    const c = { store: counting.store, runId };
    await planFitsStep(c);
    // PlanFits reads the plan and each point once, and writes the one inputs document.
    expect(counting.reads(runLayout(runId).plan)).toBe(1);
    expect(counting.readsUnder(runLayout(runId).points)).toBe(input.results.length);
    counting.reset();
    await fitShardStep({ ...c, shardId: 'random.A' });
    // The shard: its inputs document and its own earlier output (to skip a refit), nothing else.
    expect(counting.all()).toEqual({ [runLayout(runId).fitInputs]: 1, [fitShardKey(runId, 'random.A')]: 1 });
    counting.reset();
    await mergeFitsStep(c);
    expect(counting.reads(runLayout(runId).fitInputs)).toBe(1);
    expect(counting.readsUnder(runLayout(runId).points)).toBe(0);
    expect(counting.reads(runLayout(runId).plan)).toBe(0);
  });

  it('names a corrupt inputs document and says how to rewrite it', async () => {
    const copy = new FolderStore(path.join(root, 'bucket-corrupt'));
    await storeRun(copy, input);
    await planFitsStep({ store: copy, runId });
    await copy.put(runLayout(runId).fitInputs, 'not gzip');
    await expect(fitShardStep({ store: copy, runId, shardId: 'random.A' })).rejects.toThrow(/inputs\.json\.gz is corrupt: not the Fit step's inputs .*re-upload its config/);
  });

  it('skips a shard already fitted from the same points (a Lambda retry refits nothing)', async () => {
    const before = await store.get(fitShardKey(runId, 'random.B'));
    expect(await fitShardStep({ ...ctx(), shardId: 'random.B' })).toMatchObject({ shardId: 'random.B', skipped: true });
    expect(Buffer.from((await store.get(fitShardKey(runId, 'random.B')))!).equals(Buffer.from(before!))).toBe(true);
  });

  it('names a missing shard on merge, and a redrive fits only that one', async () => {
    // The folder store keeps each key as a file under its root: delete it as a lost object.
    await rm(path.join(root, 'bucket', ...fitShardKey(runId, 'random.C').split('/')));
    await expect(mergeFitsStep(ctx())).rejects.toThrow(/cannot merge the fits: missing fit shard\(s\) random\.C \(run the Fit shards again\)/);
    expect((await planFitsStep(ctx())).pending).toEqual(['random.C']);
    expect(await fitShardStep({ ...ctx(), shardId: 'random.C' })).toMatchObject({ skipped: false });
    await mergeFitsStep(ctx());
    expect(await storedJson<CurvesFile>(store, runLayout(runId).curves)).toEqual(expected);
  });

  it('refits every shard when more points have finished since (stored shards are stale), and merge refuses them meanwhile', async () => {
    const other = new FolderStore(path.join(root, 'stale'));
    const fewer: AnalyseInput = { ...input, results: input.results.slice(1) };
    await storeRun(other, fewer);
    const octx = { store: other, runId };
    await fitStep(octx);
    // The missing point arrives (a redrive trained it): every shard was fitted without it.
    await putJson(other, runLayout(runId).point(input.results[0].id), input.results[0]);
    expect((await planFitsStep(octx)).pending).toEqual(['random.A', 'random.B', 'random.C']);
    await expect(mergeFitsStep(octx)).rejects.toThrow(/fitted from other points \(run them again\): random\.A, random\.B, random\.C/);
    expect(await fitStep(octx)).toEqual({ fits: expected.fits.length, failed: 0 });
    expect(await storedJson<CurvesFile>(other, runLayout(runId).curves)).toEqual(expected);
  });
});

describe('fit handler', () => {
  const handler = createFitHandler(() => ({ store }), () => {});
  const context = {} as never;

  it('dispatches on action: list, shard, merge', async () => {
    expect(await handler({ runId, action: 'list' }, context)).toMatchObject({ shardsTotal: 3, pending: [] });
    expect(await handler({ runId, action: 'shard', shardId: 'random.A' }, context)).toMatchObject({ shardId: 'random.A', skipped: true });
    expect(await handler({ runId, action: 'merge' }, context)).toMatchObject({ shards: 3 });
    const stored = await storedJson<FitShardResult>(store, fitShardKey(runId, 'random.A'));
    expect(stored?.fits.every((f) => f.task === 'A')).toBe(true);
  });

  it('runs the whole Fit step for an event without action (the sample event)', async () => {
    expect(await handler({ runId }, context)).toEqual({ fits: expected.fits.length, failed: 0 });
  });

  it('rejects a shard event without a shard id, an unsafe shard id and an unknown action, naming the field', async () => {
    await expect(handler({ runId, action: 'shard' }, context)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining("'shardId'") });
    await expect(handler({ runId, action: 'shard', shardId: '../x' }, context)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining("'shardId'") });
    await expect(handler({ runId, action: 'fit-everything' }, context)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining("'action'") });
    await expect(handler({ runId, action: 'shard', shardId: 'random.Z' }, context)).rejects.toThrow(/no fit shard 'random\.Z'/);
  });
});
