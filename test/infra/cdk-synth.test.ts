// `npx cdk synth` as CI runs it: offline, Lambdas bundled by local esbuild, the trainer image only staged,
// cdk-nag AwsSolutions in the validation plugins (a violation fails the synth). ~40 s on 2 cores.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';

const out = mkdtempSync(path.join(os.tmpdir(), 'mtlc-cdk-synth-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('npx cdk synth --quiet succeeds offline and bundles every Lambda', async () => {
  const { stderr } = await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', out], {
    cwd: repoRoot,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stderr).not.toMatch(/AwsSolutions-\w+/);
  const template = JSON.parse(readFileSync(path.join(out, 'Mtlc.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
  expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(6);
  const assets = readdirSync(out).filter((f) => f.startsWith('asset.'));
  const bundles = assets.filter((a) => existsSync(path.join(out, a, 'index.mjs')));
  expect(bundles.length).toBe(6);
  // WASM / native packages travel beside the bundle (the Plan step needs RDKit, the Report step resvg).
  for (const b of bundles) expect(existsSync(path.join(out, b, 'node_modules', '@rdkit', 'rdkit'))).toBe(true);
  // resvg's native binary for the Lambda's x86_64 Linux, installed for that platform whatever machine bundles.
  for (const b of bundles) expect(existsSync(path.join(out, b, 'node_modules', '@resvg', 'resvg-js-linux-x64-gnu', 'package.json'))).toBe(true);
  // The Report Lambda draws PNG text with the shipped font, found beside the handler.
  for (const b of bundles) expect(readdirSync(path.join(out, b, 'assets', 'fonts')).some((f) => f.endsWith('.ttf'))).toBe(true);
  // The trainer image is staged with its Dockerfile, never built.
  expect(assets.some((a) => existsSync(path.join(out, a, 'functions', 'trainer', 'Dockerfile')))).toBe(true);
});
