// End to end on one machine: upload → S3 notification → trigger → the synthesized state machine (Plan → Map of
// Batch jobs on the worker pool → Fit → Transfer → Report → MarkSucceeded), against the embedded S3.
import { mkdtempSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../app/cli/main.ts';
import { runLayout } from '../../lib/layout.ts';
import { fitShardKey, fitShardsPrefix } from '../../lib/pipeline/steps.ts';
import type { CurvesFile } from '../../lib/results.ts';
import { storedJson } from '../helpers/store.ts';
import { shardIdOf } from '../../lib/transfer/index.ts';
import { openLocalBucket } from '../../app/local/bucket.ts';
import { STATE_PAYLOAD_LIMIT } from '../../app/local/adapter.ts';
import { runLocal, type LocalRunOptions } from '../../app/local/run.ts';
import { synthesizeTemplate, type CfnTemplate } from '../../app/local/template.ts';
import type { RunStatus } from '../../lib/layout.ts';
import { dataDir } from '../helpers/paths.ts';

/** 2 tasks × 3 sizes (single) + 3 (all) = 9 points of a 16-unit network trained for at most 20 steps (one test fold). */
const tinyStudy = JSON.stringify({
  dataset: { name: 'kiba' },
  tasks: { top: 2 },
  split: { useFolds: [0] },
  model: { hidden: [16], maxSteps: 20, batchSize: 64 },
  study: { designs: ['single', 'all'], grid: { min: 32, max: 128, factor: 2 }, seeds: 1, bootstrap: 10, tag: { enabled: false }, lookahead: { enabled: false } },
});

let template: CfnTemplate;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'mtlc-e2e-'));
  dirs.push(d);
  return d;
};
const options = (outDir: string, runId: string, extra: Partial<LocalRunOptions> = {}): LocalRunOptions => ({
  configText: tinyStudy,
  outDir,
  runId,
  workers: 2,
  dataDir,
  cacheDir: path.join(outDir, 'cache'),
  template,
  ...extra,
});

async function bucketKeys(outDir: string, prefix: string): Promise<string[]> {
  const bucket = await openLocalBucket(outDir);
  try {
    return await bucket.store.list(prefix);
  } finally {
    await bucket.close();
  }
}
const pointIds = (keys: string[], runId: string) => keys.map((k) => k.slice(runLayout(runId).points.length).replace(/\.json$/, '')).sort();

beforeAll(() => {
  template = synthesizeTemplate();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('local run of the AWS state machine', () => {
  let outDir: string;
  const runId = 'tiny';

  it('goes trigger → Plan → Map → Fit → Transfer → Report and leaves the whole bucket layout', async () => {
    outDir = tmp();
    const seen: number[] = [];
    const result = await runLocal(options(outDir, runId, { onProgress: (p) => seen.push(p.pointsDone) }));
    expect(result.cause ?? '').toBe('');
    expect(result).toMatchObject({ state: 'SUCCEEDED', ran: true, trigger: { outcome: 'started' } });
    expect(result.trainedPoints).toHaveLength(9);
    expect(seen.at(-1)).toBe(9);

    const layout = runLayout(runId);
    const keys = await bucketKeys(outDir, layout.root);
    for (const key of [layout.config, layout.status, layout.plan, layout.curves, layout.transfer, layout.report]) expect(keys, key).toContain(key);
    expect(keys.some((k) => k.startsWith(layout.prepared) && k !== layout.plan)).toBe(true);
    expect(keys.some((k) => k.startsWith(layout.plots))).toBe(true);
    // The Fit fan-out leaves one intermediate file per target task and split kind (one split kind here), and the one
    // inputs document every shard read.
    const curves = JSON.parse(readFileSync(path.join(result.resultsDir, 'curves.json'), 'utf8')) as CurvesFile;
    const tasks = [...new Set(curves.fits.map((f) => f.task))];
    expect(tasks).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith(fitShardsPrefix(runId))).sort()).toEqual([...tasks.map((t) => fitShardKey(runId, shardIdOf('random', t))), layout.fitInputs].sort());
    expect(pointIds(keys.filter((k) => k.startsWith(layout.points)), runId)).toEqual([...result.trainedPoints].sort());

    const status = JSON.parse(readFileSync(result.statusPath, 'utf8')) as RunStatus;
    expect(status).toMatchObject({ state: 'SUCCEEDED', progress: { pointsDone: 9, pointsTotal: 9 } });
    expect(status.executionArn).toBe(result.executionArn);
    expect(readFileSync(result.reportPath, 'utf8')).toMatch(/<html/i);
  });

  it('starts nothing new when the same config is uploaded again', async () => {
    const again = await runLocal(options(outDir, runId));
    expect(again).toMatchObject({ state: 'SUCCEEDED', ran: false, trigger: { outcome: 'duplicate' }, executionArn: expect.any(String) });
    expect(again.trainedPoints).toEqual([]);
    expect(readdirSync(path.join(outDir, 'executions'))).toHaveLength(1);
  });
});

describe('a killed run', () => {
  it('recomputes only the missing points when run again', async () => {
    const outDir = tmp();
    const runId = 'killed';
    const first = await runLocal(options(outDir, runId, { workers: 1, stopAfterPoints: 2 }));
    expect(first.state).toBe('ABORTED');
    expect(first.trainedPoints).toHaveLength(2);
    const afterKill = pointIds(await bucketKeys(outDir, runLayout(runId).points), runId);
    expect(afterKill).toEqual([...first.trainedPoints].sort());
    // status.json still says RUNNING (the run was killed), and `mtlc status` says its process is gone.
    const said: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
    await main(['status', runId, '--out', outDir]);
    spy.mockRestore();
    expect(said.join('\n')).toMatch(/RUNNING[\s\S]*but no mtlc run is running it: the process died; run `mtlc run` again/);

    const second = await runLocal(options(outDir, runId));
    expect(second).toMatchObject({ state: 'SUCCEEDED', ran: true, trigger: { outcome: 'duplicate' } });
    const all = pointIds(await bucketKeys(outDir, runLayout(runId).points), runId);
    expect(all).toHaveLength(9);
    expect([...second.trainedPoints].sort()).toEqual(all.filter((id) => !afterKill.includes(id)));
  });
});

describe("AWS's limits, locally", () => {
  it('trains a plan whose point ids alone are ~450 KB: the Map reads them from S3 in batches, no state carries them', async () => {
    const outDir = tmp();
    // The pairwise grid of 50 tasks on one test fold: ~11,000 distinct points. Before the ItemReader, Plan's output
    // carried their ids and the run died of States.DataLimitExceeded; now the guard stops it after its first point.
    const huge = JSON.stringify({
      ...JSON.parse(tinyStudy),
      tasks: { top: 50 },
      model: { hidden: [16], maxSteps: 1, batchSize: 64 },
      study: { ...JSON.parse(tinyStudy).study, designs: ['pairwise'], grid: { min: 32, max: 128, factor: 2 }, placebo: { sources: [] } },
    });
    const result = await runLocal({ ...options(outDir, 'huge'), configText: huge, stopAfterPoints: 1 });
    expect(result.trainedPoints.length).toBeGreaterThanOrEqual(1);
    expect(result.state).toBe('ABORTED');
    // Every state's input and output (the ~150-point batches included) stays far inside the 256 KiB limit.
    expect(result.largestPayload.bytes).toBeLessThan(20_000);
    const bucket = await openLocalBucket(outDir);
    try {
      const pending = (await storedJson<string[]>(bucket.store, runLayout('huge').pending))!;
      expect(pending.length).toBeGreaterThan(10_000);
      expect(Buffer.byteLength(JSON.stringify(pending))).toBeGreaterThan(STATE_PAYLOAD_LIMIT);
      expect((await storedJson<RunStatus>(bucket.store, runLayout('huge').status))?.size?.points).toBe(pending.length);
    } finally {
      await bucket.close();
    }
  });
});

describe('a run id that holds another study', () => {
  it('refuses a different config under it (no silent overwrite), and runs it with --replace', async () => {
    const outDir = tmp();
    await runLocal({ ...options(outDir, 'taken'), configText: '{"model":{"maxSteps":0}}' });
    await expect(runLocal({ ...options(outDir, 'taken'), configText: '{"model":{"maxSteps":-1}}' })).rejects.toThrow(
      /run 'taken' under .* already holds a different config .*: give this study its own --run-id, or pass --replace/,
    );
    const replaced = await runLocal({ ...options(outDir, 'taken'), configText: '{"model":{"maxSteps":-1}}', replace: true });
    expect(replaced.trigger.outcome).toBe('invalid');
  });

  it('runs a config again when it replaces another, even one whose text ran here before (as the versioned bucket does)', async () => {
    const outDir = tmp();
    const first = await runLocal(options(outDir, 'back'));
    const other = tinyStudy.replace('{', '{"title":"another config",');
    await runLocal({ ...options(outDir, 'back'), configText: other, replace: true });
    // Back to the first text: a new execution (its results are this config's again), not the finished first one.
    const again = await runLocal({ ...options(outDir, 'back'), replace: true });
    expect(again).toMatchObject({ state: 'SUCCEEDED', ran: true });
    expect(again.executionArn).not.toBe(first.executionArn);
    expect(again.trainedPoints).toEqual([]); // its points are reused: only Fit, Transfer and Report run again
  });
});

describe('an invalid config', () => {
  it('gets status.json FAILED naming the field, and no execution', async () => {
    const outDir = tmp();
    const result = await runLocal({ ...options(outDir, 'bad'), configText: '{"model":{"maxSteps":0}}' });
    expect(result).toMatchObject({ state: 'FAILED', ran: false, trigger: { outcome: 'invalid' } });
    const status = JSON.parse(readFileSync(result.statusPath, 'utf8')) as RunStatus;
    expect(status.state).toBe('FAILED');
    expect(status.error?.message).toContain('model.maxSteps');
    expect(existsSync(path.join(outDir, 'executions')) ? readdirSync(path.join(outDir, 'executions')) : []).toEqual([]);
  });
});
