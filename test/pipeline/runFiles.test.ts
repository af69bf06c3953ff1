// A config's file names resolve inside the run's own folder, nothing else (on AWS and through `mtlc run`);
// `mtlc run --config` uploads the user's own files there, resolved against the config file's folder.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLocalInputs } from '../../app/cli/localInputs.ts';
import { excerpt, InputError } from '../../lib/errors.ts';
import { runLayout } from '../../lib/layout.ts';
import { planStep, validateConfigText } from '../../lib/pipeline/steps.ts';
import { runFileKey } from '../../lib/pipeline/runFiles.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { putJson } from '../../lib/storage/port.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('names of a run file', () => {
  it('accept plain names inside the run folder', () => {
    expect(runFileKey('r1', 'labels.csv', 'dataset.labels')).toBe('runs/r1/labels.csv');
    expect(runFileKey('r1', './inputs/labels.csv.gz', 'dataset.labels')).toBe('runs/r1/inputs/labels.csv.gz');
  });

  it.each(['/proc/self/environ', '/dev/zero', '../other-run/x.csv', 'a/../../b.csv', '.', '..', '.hidden/x', 'a//b', 'C:\\x.csv', '~/x.csv', ''])(
    'refuse %j naming the field',
    (name) => {
      expect(() => runFileKey('r1', name, 'dataset.labels')).toThrow(/config field 'dataset\.labels': .* is not a file of this run/);
    },
  );

  it('are checked by the trigger validation, before any execution', () => {
    const checked = validateConfigText(JSON.stringify({ dataset: { name: 'custom', labels: '/proc/self/environ', features: '../x/f.csv' } }));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors.map((e) => e.field)).toEqual(['dataset.labels', 'dataset.features']);
  });

  it('Plan reads nothing outside the run folder, even when the config in the bucket names a local file', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'mtlc-runfiles-'));
    dirs.push(root);
    const secret = path.join(root, 'secret.csv');
    writeFileSync(secret, 'compound_id,smiles,target_id,label\nAWS_SECRET_ACCESS_KEY=abc,C,T,1\n');
    const store = new FolderStore(path.join(root, 'bucket'));
    await putJson(store, runLayout('r1').config, { dataset: { name: 'custom', labels: secret } });
    await expect(planStep({ store, runId: 'r1', cacheDir: path.join(root, 'cache') })).rejects.toThrow(/dataset\.labels.*is not a file of this run/);
  });
});

describe('mtlc run --config with local files', () => {
  it("uploads the files the config names, resolved against the config's folder, and rewrites their names", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-local-inputs-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'study'));
    writeFileSync(path.join(root, 'study', 'labels.csv'), 'compound_id,smiles,target_id,label\n');
    const configFile = path.join(root, 'study', 'config.json');
    const out = bundleLocalInputs(JSON.stringify({ dataset: { name: 'custom', labels: 'labels.csv' } }), configFile);
    expect(JSON.parse(out.configText).dataset.labels).toMatch(/^inputs\/labels-[0-9a-f]{12}\.csv$/);
    expect(out.files.map((f) => f.name)).toEqual([JSON.parse(out.configText).dataset.labels]);
    // An edited file is another input: another name, so another config text, prepared data set and points.
    writeFileSync(path.join(root, 'study', 'labels.csv'), 'compound_id,smiles,target_id,label\nc1,C,T,1\n');
    expect(bundleLocalInputs(JSON.stringify({ dataset: { name: 'custom', labels: 'labels.csv' } }), configFile).configText).not.toBe(out.configText);
    expect(Buffer.from(out.files[0].bytes).toString()).toContain('compound_id');
    expect(validateConfigText(out.configText).ok).toBe(true);
  });

  it('refuses a file that is not a regular file, or not there, naming the field', () => {
    const configFile = path.join(os.tmpdir(), 'config.json');
    expect(() => bundleLocalInputs(JSON.stringify({ dataset: { name: 'custom', labels: '/dev/zero' } }), configFile)).toThrow(/dataset\.labels.*not a regular file/);
    expect(() => bundleLocalInputs(JSON.stringify({ dataset: { name: 'custom', labels: 'nope.csv' } }), configFile)).toThrow(/no such file.*resolved against the config file's folder/);
  });
});

describe('error messages about a file', () => {
  it('carry a short, sanitised excerpt of it, never the whole content', () => {
    const line = `AWS_SECRET_ACCESS_KEY=${'x'.repeat(5000)}\u0000PATH=/usr/bin\nNEXT=1`;
    const err = new InputError({ file: 'labels.csv', row: 0 }, `missing column 'label': the header has '${line}'`);
    expect(err.message.length).toBeLessThan(700);
    expect(err.message).not.toMatch(/[\u0000\n]/);
    expect(err.message).toMatch(/… \(\d+ more characters\)$/);
    expect(excerpt('a\u0007b')).toBe('a·b');
  });
});
