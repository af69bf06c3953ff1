// The paper's scale through the local runner (docs/aws.md, "Scale"): all 229 KIBA targets, the contextual and random
// designs, Plan → the training Map (a SIMULATED trainer: points written from known curve laws, bench/simulatedTrainer.ts)
// → Fit → Transfer → Report with AWS's limits enforced — state payloads, every Lambda's timeout and memory from the
// synthesized template. Two folds keep it inside the suite's time; `npm run scale` runs the study's five.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_PAYLOAD_LIMIT } from '../../app/local/adapter.ts';
import type { CurvesFile, TransferFile } from '../../lib/results.ts';
import { runScale, scaleConfig } from '../../bench/scaleStudy.ts';
import { dataDir } from '../helpers/paths.ts';

const outDir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-scale-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the paper scale: K = 229', () => {
  it('plans every KIBA target and runs Plan → Map → Fit → Transfer → Report within AWS limits', async () => {
    const run = await runScale({ configText: JSON.stringify(scaleConfig(229, 2)), runId: 'scale-kiba-229', outDir, dataDir });
    console.log(run.lines.join('\n'));
    expect(run.result.state).toBe('SUCCEEDED');
    // Counts and keys only: far under the 256 KiB a state may carry.
    expect(run.result.largestPayload.bytes).toBeLessThan(STATE_PAYLOAD_LIMIT / 16);
    expect(run.overLimit).toEqual([]);
    const usage = run.result.lambdaUsage;
    // PlanFits, a shard per target with fits, MergeFits.
    expect(usage.fit.calls).toBeGreaterThanOrEqual(229);
    for (const name of ['plan', 'fit', 'transfer', 'report']) expect(usage[name].maxSeconds).toBeLessThan(usage[name].limits.timeoutSeconds / 4);
    // The slowest fit shard (each shard is one Lambda call on AWS, the first here paying the inputs' parse as a cold one does).
    const shards = usage.fit.states.FitShard;
    console.log(`slowest fit shard: ${shards.maxSeconds.toFixed(1)} s of ${usage.fit.limits.timeoutSeconds} s, memory ≈ ${Math.round(shards.maxMemoryMiB)} of ${usage.fit.limits.memoryMiB} MiB, over ${shards.calls} shards`);
    expect(shards.calls).toBeGreaterThanOrEqual(225);

    const read = <T>(name: string) => JSON.parse(readFileSync(path.join(run.result.resultsDir, name), 'utf8')) as T;
    const transfer = read<TransferFile>('transfer.json');
    const curves = read<CurvesFile>('curves.json');
    // KIBA's 229 targets, less those the data selection excluded, and why (two have no positive at the threshold).
    const dataset = JSON.parse(gunzipSync(readFileSync(path.join(outDir, 's3/mtlc-local/runs/scale-kiba-229/prepared/dataset.json.gz._S3rver_object'))).toString('utf8')) as {
      labels: { tasks: string[] };
      excluded: { task: string; reason: string }[];
    };
    for (const e of dataset.excluded) console.log(`excluded by the data selection: ${e.task} (${e.reason})`);
    expect(dataset.labels.tasks.length + dataset.excluded.length).toBe(229);
    expect(dataset.excluded.length).toBeLessThanOrEqual(2);
    // Every selected task is a target of the random design with a rate from each of the others.
    const random = transfer.pairwise.filter((p) => p.design === 'random');
    const tasks = [...new Set(random.map((p) => p.target))].sort();
    expect(tasks).toEqual([...dataset.labels.tasks].sort());
    expect((curves.failed ?? []).filter((f) => f.design === 'random' && !f.rate)).toEqual([]);
    for (const t of tasks) expect(random.filter((p) => p.target === t)).toHaveLength(tasks.length - 1);
    // The simulated laws plant transfer into the first task from the next three (bench/scaleStudy.ts). With two
    // replicate groups the penalty's cross-validation shrinks every rate toward 0 (docs/methods.md, "The joint
    // model at scale"): the ranks are printed, recovery is tested at 5 folds in test/curves/penalised-joint.test.ts.
    const [t0, t1, t2] = tasks;
    const order = random.filter((p) => p.target === t0).sort((p, q) => q.s - p.s).map((p) => p.source);
    console.log(`penalised joint ranks of the planted sources into ${t0}: ${t1} ${order.indexOf(t1) + 1}, ${t2} ${order.indexOf(t2) + 1} of ${order.length}`);
  }, 1_200_000);
});
