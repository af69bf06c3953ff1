// `mtlc invoke` with the sample events on a fresh folder: the upload event names a config that is not there yet,
// which is a clear one-line error; --config puts it there first, as a user's upload would have.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { main } from '../../app/cli/main.ts';
import { dataDir, repoRoot } from '../helpers/paths.ts';

const events = (name: string) => path.join(repoRoot, 'events', name);

async function invoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n'));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n'));
  const code = await main(['invoke', ...args, '--data-dir', dataDir]);
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

it('says which object is missing when the sample upload event names a config not in the bucket', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'mtlc-invoke-'));
  const { code, stderr } = await invoke(['trigger', '--event', events('s3-upload.json'), '--out', out]);
  expect(code).toBe(1);
  expect(stderr).toMatch(/runs\/example\/config\.json: the trigger ignored this upload: the object is gone/);
  expect(stderr).toMatch(/--config FILE/);
});

it('runs the plan handler on the sample event after --config uploads the example config', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'mtlc-invoke-'));
  const { code, stdout } = await invoke(['plan', '--event', events('plan.json'), '--config', events('example-config.json'), '--out', out]);
  expect(code).toBe(0);
  const result = JSON.parse(stdout);
  expect(result.runId).toBe('example');
  expect(result.pointsTotal).toBeGreaterThan(0);
  expect(result.pending).toBe(result.pointsTotal);
  expect(result.pendingKey).toBe('runs/example/prepared/pending.json');
});

it('answers an event with a bad run id in one line (no stack), and puts the config under no key', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'mtlc-invoke-'));
  const event = path.join(out, 'bad-event.json');
  writeFileSync(event, JSON.stringify({ runId: '../escape' }));
  const { code, stderr } = await invoke(['plan', '--event', event, '--config', events('example-config.json'), '--out', out]);
  expect(code).toBe(1);
  expect(stderr.trim().split('\n').at(-1)).toBe("mtlc invoke: plan: invalid input: 'runId' must be 1-80 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(path.join(out, 's3', 'mtlc-local', 'runs'))).toBe(false);
  expect(existsSync(path.join(out, 's3', 'mtlc-local', 'escape'))).toBe(false);
});
