// The bad-input suite: hostile and careless inputs, each with the message a user gets — through the AWS path
// (an upload to the bucket → the trigger → status.json) and through the CLI (`mtlc run --config`). None may
// produce a stack trace, and none may read a file outside the run folder (AWS) or the user's own files (CLI).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTriggerHandler } from '../functions/trigger/handler.ts';
import { main } from '../app/cli/main.ts';
import { adviceAfterFailure } from '../app/cli/commands/run.ts';
import { runLayout, type RunStatus } from '../lib/layout.ts';
import { FolderStore } from '../lib/storage/folder.ts';
import { storedJson } from './helpers/store.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-bad-input-'));
const store = new FolderStore(path.join(root, 'bucket'));
const executions = { start: async (name: string) => ({ executionArn: `arn:${name}`, started: true }), describe: async () => undefined };
const trigger = createTriggerHandler(() => ({ storeFor: () => store, executions }), () => {});

/** Uploads `text` as runs/<runId>/config.json and hands the notification to the trigger; returns its status.json. */
async function upload(runId: string, text: string): Promise<{ outcome: string; status?: RunStatus }> {
  const key = runLayout(runId).config;
  await store.put(key, text);
  const { outcomes } = await trigger({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key, eTag: '"e"' } } }] }, {} as never);
  return { outcome: outcomes[0].outcome, status: await storedJson<RunStatus>(store, runLayout(runId).status) };
}

const cases: [string, unknown, string][] = [
  ['labels on the Plan machine', { dataset: { name: 'custom', labels: '/proc/self/environ' } }, `'dataset.labels' "/proc/self/environ" is not a file of this run`],
  ['labels of another run', { dataset: { name: 'custom', labels: '../other-run/x.csv' } }, `'dataset.labels' "../other-run/x.csv" is not a file of this run`],
  ['a device as features', { dataset: { name: 'custom', labels: 'l.csv', features: '/dev/zero' } }, `'dataset.features' "/dev/zero" is not a file of this run`],
  ['100,000 seeds', { study: { seeds: 100000 } }, `'study.seeds' Too big: expected number to be <=100`],
  ['a billion bootstrap resamples', { study: { bootstrap: 1e9 } }, `'study.bootstrap' Too big: expected number to be <=10000`],
  ['a 100,000-wide trunk', { model: { hidden: [100000] } }, `'model.hidden.0' Too big: expected number to be <=8192`],
  ['grid.max below grid.min', { study: { grid: { min: 64, max: 32 } } }, `'study.grid.max' must be 'full' or at least study.grid.min (64), got 32`],
  ['a grid too coarse for a curve', { study: { grid: { min: 64, max: 256, factor: 4 } } }, `'study.grid' gives 2 training size(s) (64, 256); an EXP3 curve needs at least 3`],
  ['a grid that caps every task below the branches\' rows', { study: { grid: { min: 16, max: 256 } } }, `'study.lookahead.delta' 512 rows per branch need study.grid.max ≥ Δ + 2 = 514 (it is 256; it caps every task's rows): a smaller study.lookahead.delta (at most 254)`],
  ['a test fold listed twice', { split: { useFolds: [0, 0] } }, `'split.useFolds.1' fold 0 is listed twice`],
  ['a retired field', { model: { epochs: 10 } }, `'model.epochs' retired: every point now trains by one protocol`],
  ['an unknown field', { study: { seed: 1 } }, `'study' Unrecognized key: "seed"`],
  ['a data folder named by the config', { dataset: { dataDir: '/etc' } }, `'dataset.dataDir' is for local commands only`],
  ['a placebo source listed twice', { study: { placebo: { sources: ['A', 'A'] } } }, `'study.placebo.sources' a task is listed twice`],
];

describe('bad input through the AWS path (upload → trigger → status.json)', () => {
  it.each(cases)('%s', async (_name, config, expected) => {
    const runId = `case-${cases.findIndex((c) => c[1] === config)}`;
    const { outcome, status } = await upload(runId, JSON.stringify(config));
    expect(outcome).toBe('invalid');
    expect(status?.state).toBe('FAILED');
    expect(status?.error?.message).toContain(expected);
    expect(status?.error?.message).not.toMatch(/\n\s+at /);
  });

  it('invalid JSON names its position; a byte-order mark is fine', async () => {
    const broken = await upload('json-broken', '{"tasks": {"top": 3},}');
    expect(broken.status?.error?.message).toMatch(/config\.json is not valid JSON: .*position \d+/);
    expect((await upload('json-bom', '\uFEFF{"tasks":{"top":2}}')).outcome).toBe('started');
  });
});

describe('bad input through the CLI (mtlc run --config)', () => {
  afterEach(() => vi.restoreAllMocks());
  const run = async (config: unknown) => {
    const dir = mkdtempSync(path.join(root, 'cli-'));
    const file = path.join(dir, 'study.json');
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    let stderr = '';
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n'));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['run', '--config', file, '--out', path.join(dir, 'out')]);
    return { code, stderr, file };
  };

  it('a device file as labels: refused before anything runs, naming the field', async () => {
    const { code, stderr, file } = await run({ dataset: { name: 'custom', labels: '/dev/zero' } });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`mtlc run: ${file}, column 'dataset.labels': /dev/zero is not a regular file`);
  });

  it('a labels file that is not there: resolved against the config folder, and said so', async () => {
    const { code, stderr, file } = await run({ dataset: { name: 'custom', labels: 'labels.csv' } });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`mtlc run: ${file}, column 'dataset.labels': no such file: ${path.join(path.dirname(file), 'labels.csv')} (a name is resolved against the config file's folder)`);
  });

  it('after a failure says what to do: fix the input, resume, or (a state over 256 KiB) report a defect', () => {
    expect(adviceAfterFailure('States.TaskFailed', "ConfigError: 'study.grid' …")).toMatch(/^Fix the input/);
    expect(adviceAfterFailure('States.TaskFailed', 'ComputationError: …')).toMatch(/^Run the same command again to resume/);
    expect(adviceAfterFailure('States.DataLimitExceeded', undefined)).toMatch(/running again fails the same way.*a defect of mtlc/);
  });

  it.each(cases.filter(([, c]) => !(c as { dataset?: unknown }).dataset))('%s: one line, no stack', async (_name, config, expected) => {
    const { code, stderr } = await run(config);
    expect(code).toBe(1);
    expect(stderr).toContain(expected.replace(/^'([^']+)' /, "'$1': "));
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
