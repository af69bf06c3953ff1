// The pipeline steps in order on a folder store: Plan → train every point → Fit → Transfer → Report,
// then a rerun that finds every point done, and a config change that re-plans.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLayout } from '../../lib/layout.ts';
import { fitStep, markStatus, planStep, reportStep, runProgress, trainPointsStep, transferStep, validateConfigText, type PointOutcome } from '../../lib/pipeline/steps.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { putJson } from '../../lib/storage/port.ts';
import { storedJson } from '../helpers/store.ts';
import type { CurvesFile, TransferFile } from '../../lib/results.ts';
import type { PointResult } from '../../lib/types.ts';
import { dataDir } from '../helpers/paths.ts';

const config = {
  dataset: { name: 'kiba' },
  tasks: { top: 2 },
  split: { useFolds: [0, 1] },
  model: { hidden: [16], maxSteps: 30, batchSize: 64 },
  study: { designs: ['single', 'all', 'contextual'], grid: { min: 64, max: 256, factor: 2 }, seeds: 2, contextFractions: [0, 1], bootstrap: 20, lookahead: { n0: 32, delta: 16, baseSteps: 20, branchSteps: 20 } },
};

/** A results document without the wall-clock fields (seconds measured, times of day), which no rerun repeats. */
function withoutTimings(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(withoutTimings);
  if (doc === null || typeof doc !== 'object') return doc;
  return Object.fromEntries(
    Object.entries(doc)
      .filter(([k]) => !['seconds', 'finishedAt', 'createdAt', 'updatedAt', 'generatedAt'].includes(k))
      .map(([k, v]) => [k, withoutTimings(v)]),
  );
}

describe('pipeline steps on a folder store', () => {
  let root: string;
  let store: FolderStore;
  const runId = 'steps-test';
  const ctx = () => ({ store, runId, dataDir, cacheDir: path.join(root, 'cache') });

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mtlc-steps-'));
    store = new FolderStore(path.join(root, 'bucket'));
    await putJson(store, runLayout(runId).config, config);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('validates config text with field-level errors', () => {
    expect(validateConfigText('{}').ok).toBe(true);
    const bad = validateConfigText('{"model":{"maxSteps":0}}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].field).toBe('model.maxSteps');
    const broken = validateConfigText('{"model":');
    expect(broken.ok).toBe(false);
  });

  it('runs a small KIBA study end to end and reuses finished points', async () => {
    const plan = await planStep(ctx());
    expect(plan.pointsTotal).toBeGreaterThan(4);
    expect(plan.pending).toBe(plan.pointsTotal);
    // The pending ids are in the bucket for the training Map's ItemReader, not in Plan's output.
    const pending = (await storedJson<string[]>(store, plan.pendingKey))!;
    expect(plan.pendingKey).toBe(runLayout(runId).pending);
    expect(pending).toHaveLength(plan.pointsTotal);
    expect(plan.pointsPerJob).toBeGreaterThanOrEqual(1);
    // The study's size is known before anything trains, in the Plan output and status.json.
    expect(plan.size).toMatchObject({ points: plan.pointsTotal, pending: plan.pointsTotal });
    expect(plan.size.estimatedSeconds).toBeGreaterThan(0);
    expect((await storedJson<{ size: unknown }>(store, runLayout(runId).status))?.size).toEqual(plan.size);
    // One job trains them all (the Map's batches are this list cut in pieces), each point reported as it ends.
    const outcomes: PointOutcome[] = [];
    const job = await trainPointsStep({ ...ctx(), pointIds: pending, onPoint: (o) => outcomes.push(o) });
    // Points finish in their own order (TAG and branch jobs alone, the rest batched by network shape).
    expect(job.points.map((p) => p.pointId).sort()).toEqual([...pending].sort());
    expect(outcomes.map((o) => [o.pointId, o.ok]).sort()).toEqual(pending.map((id) => [id, true]).sort());
    expect(await runProgress(ctx())).toMatchObject({ pointsDone: plan.pointsTotal, pointsTotal: plan.pointsTotal });

    const point = await storedJson<PointResult>(store, runLayout(runId).point(pending[0]));
    expect(point?.backend).toMatch(/wasm|cpu|tensorflow/);
    const all = (await Promise.all(pending.map((p) => storedJson<PointResult>(store, runLayout(runId).point(p))))).map((p) => p!);
    const probed = all.filter((p) => p.tag);
    // TAG rides on the all-task full-size point of each replicate, with its phases and the held-out variant.
    expect(probed).toHaveLength(4);
    expect(probed[0].tag!.phases![0]).toMatchObject({ from: 0, to: 0 });
    expect(probed[0].tag!.heldOut?.phases.length).toBeGreaterThan(0);
    // One snapshot-branch job per target and replicate: the readings of control, self and each source.
    const jobs = all.filter((p) => p.lookahead);
    expect(jobs).toHaveLength(2 * 4);
    expect(Object.keys(jobs[0].lookahead!.sources)).toHaveLength(3);
    expect(jobs[0].metrics).toEqual({});

    await fitStep(ctx());
    expect((await storedJson<{ progress: unknown }>(store, runLayout(runId).status))?.progress).toEqual({ pointsDone: plan.pointsTotal, pointsTotal: plan.pointsTotal, pointsFailed: 0 });
    await transferStep(ctx());
    const curves = await storedJson<CurvesFile>(store, runLayout(runId).curves);
    const transfer = await storedJson<TransferFile>(store, runLayout(runId).transfer);
    expect(curves!.fits.some((f) => f.model === 'exp3' && f.status === 'ok')).toBe(true);
    expect(transfer!.contextual.length + (transfer!.failed?.length ?? 0)).toBeGreaterThan(0);
    expect(transfer!.tag.length).toBe(2);
    expect(transfer!.tag.every((t) => t.zEarly !== undefined && t.zHeldOut !== undefined)).toBe(true);
    // Every target's branches give an estimate per source (2 placebo copies among them) or say why not.
    const lookaheadFailures = (transfer!.failed ?? []).filter((f) => f.analysis === 'lookahead');
    const covered = new Set([...transfer!.lookahead.map((l) => l.target), ...lookaheadFailures.flatMap((f) => f.task.split(', '))]);
    expect([...covered].sort()).toEqual([...new Set(jobs.map((j) => j.lookahead!.target))].sort());
    if (transfer!.lookahead.length) expect(transfer!.lookahead.filter((l) => !l.placebo)).toHaveLength(2);
    for (const l of transfer!.lookahead) {
      expect(l.inference.groups).toBe(4);
      expect(l.family).toBe(`lookahead random${l.placebo ? ' placebo' : ''}`);
    }
    // The branches are trainings of their own: their cost is their jobs, and the total counts every point once.
    expect(transfer!.cost.lookahead.seconds).toBeCloseTo(jobs.reduce((s, p) => s + p.seconds, 0), 6);
    expect(transfer!.cost.total.seconds).toBeCloseTo(all.reduce((s, p) => s + p.seconds, 0), 6);
    // Replicate-level inference is the verdict: 2 folds × 2 seeds = 4 replicate groups, q-values per family; the F-test beside it.
    for (const c of transfer!.contextual) {
      expect(c.inference.groups).toBe(4);
      expect(c.family).toBe(`contextual random${c.placebo ? ' placebo' : ''}`);
      if (c.p !== null) expect(c.q!).toBeGreaterThanOrEqual(c.p - 1e-12);
      expect(['positive', 'negative', 'none', null]).toContain(c.verdict);
      expect(c.independentPoints!.df1).toBe(1);
    }
    // Placebo controls (default: every task): a placebo-context surface per focus task next to the real one.
    expect(transfer!.contextual.filter((c) => c.placebo).map((c) => c.task).sort()).toEqual(transfer!.contextual.filter((c) => !c.placebo).map((c) => c.task).sort());
    await reportStep(ctx());
    expect(await store.exists(runLayout(runId).report)).toBe(true);
    const report = new TextDecoder().decode((await store.get(runLayout(runId).report))!);
    expect(report).toMatch(/Placebo controls \(contextual\): \d+ of \d+ placebo estimates called positive/);
    expect(report).toContain('placebo context');
    expect(report).toMatch(/random split: \d+ compounds share their SMILES or feature row with another compound and were grouped/);
    await markStatus(ctx(), { state: 'SUCCEEDED' });

    // A rerun (redrive) recomputes nothing.
    const again = await planStep(ctx());
    expect(again.pending).toBe(0);
    expect(await storedJson(store, again.pendingKey)).toEqual([]);
    expect(again.pointsDone).toBe(plan.pointsTotal);

    // Corrupt stored state (a crash mid-write, a full disk): a truncated point and a truncated prepared data set.
    const layout = runLayout(runId);
    const victim = pending[3];
    const pointText = new TextDecoder().decode((await store.get(layout.point(victim)))!);
    await store.put(layout.point(victim), pointText.slice(0, pointText.length >> 1));
    const datasetBytes = (await store.get(layout.dataset))!;
    await store.put(layout.dataset, datasetBytes.subarray(0, datasetBytes.length >> 1));
    // Fit names the corrupt file instead of failing on JSON.parse.
    await expect(fitStep(ctx())).rejects.toThrow(new RegExp(`${victim}\\.json is corrupt: not valid JSON`));
    // A truncated plan.json and status.json do not stop the rerun either.
    await store.put(layout.plan, '{"points": [');
    await store.put(layout.status, '{"state": "RUN');
    // Plan names what it repairs, rebuilds the data set, and retrains exactly the corrupt point.
    const healed = await planStep(ctx());
    expect(healed.pending).toBe(1);
    expect(await storedJson(store, healed.pendingKey)).toEqual([victim]);
    const status = await storedJson<{ repaired?: string[] }>(store, layout.status);
    expect(status?.repaired?.some((r) => r.startsWith(`rebuilding ${store.describe(layout.dataset)}`))).toBe(true);
    expect(status?.repaired?.some((r) => r.includes(`${victim}.json: not valid JSON`))).toBe(true);
    expect(status?.repaired?.some((r) => r.startsWith(`rewriting ${store.describe(layout.plan)}: not valid JSON`))).toBe(true);
    await trainPointsStep({ ...ctx(), pointIds: [victim] });
    await fitStep(ctx());
    expect((await storedJson<CurvesFile>(store, layout.curves))!.fits.length).toBe(curves!.fits.length);
  });

  it('refuses a study larger than execution.maxPoints before anything trains, saying what to change', async () => {
    const small = new FolderStore(path.join(root, 'bucket-small'));
    await putJson(small, runLayout(runId).config, { ...config, execution: { maxPoints: 5 } });
    await expect(planStep({ ...ctx(), store: small })).rejects.toThrow(/execution\.maxPoints.*this study plans \d+ trainings, more than execution\.maxPoints = 5: raise/);
    expect(await small.exists(runLayout(runId).plan)).toBe(false);
  });

  it('gives identical results files when the same config runs again from scratch (timings aside)', async () => {
    const fresh = new FolderStore(path.join(root, 'bucket-again'));
    const ctx2 = { ...ctx(), store: fresh };
    await putJson(fresh, runLayout(runId).config, config);
    const plan = await planStep(ctx2);
    await trainPointsStep({ ...ctx2, pointIds: (await storedJson<string[]>(fresh, plan.pendingKey))! });
    await fitStep(ctx2);
    await transferStep(ctx2);
    for (const key of [runLayout(runId).curves, runLayout(runId).transfer]) {
      expect(withoutTimings(await storedJson(fresh, key))).toEqual(withoutTimings(await storedJson(store, key)));
    }
  });
});
