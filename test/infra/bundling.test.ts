// The Lambda bundles carry the packages they load from disk, or the bundling fails with the reason: a Report
// Lambda deployed without resvg's Linux binary would otherwise crash only when it draws its first PNG.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyPackagesCommands } from '../../infra/constructs/step-lambda.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fake repository root with these packages installed, and an empty bundle folder. */
function fixture(packages: string[]) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-bundling-'));
  dirs.push(root);
  for (const p of packages) {
    mkdirSync(path.join(root, 'node_modules', p), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', p, 'package.json'), JSON.stringify({ name: p }));
  }
  const output = path.join(root, 'bundle');
  mkdirSync(output);
  return { root, output };
}

const run = (commands: string[]) => {
  try {
    execFileSync('bash', ['-c', commands.join('\n')], { stdio: 'pipe' });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: Buffer };
    return { code: e.status, stderr: e.stderr.toString() };
  }
};

describe('Lambda bundling', () => {
  it('copies RDKit, resvg and resvg’s Linux x64 binary into the bundle when they are installed', () => {
    const { root, output } = fixture(['@rdkit/rdkit', '@resvg/resvg-js', '@resvg/resvg-js-linux-x64-gnu']);
    expect(run(copyPackagesCommands(root, output)).code).toBe(0);
    for (const p of ['@rdkit/rdkit', '@resvg/resvg-js', '@resvg/resvg-js-linux-x64-gnu']) expect(existsSync(path.join(output, 'node_modules', p, 'package.json'))).toBe(true);
  });

  it('fails the bundling, naming the package, when one the bundle loads is not installed', () => {
    const { root, output } = fixture(['@resvg/resvg-js', '@resvg/resvg-js-linux-x64-gnu']);
    const { code, stderr } = run(copyPackagesCommands(root, output));
    expect(code).not.toBe(0);
    expect(stderr).toContain('mtlc: @rdkit/rdkit is not installed: run npm ci before cdk synth/deploy');
  });

  it("fetches resvg's Linux x64 binary at the locked version when this machine has another platform's", () => {
    const commands = copyPackagesCommands('/repo', '/out');
    const native = commands.find((c) => c.includes('resvg-js-linux-x64-gnu'))!;
    expect(native).toMatch(/npm pack --silent '@resvg\/resvg-js-linux-x64-gnu@\d+\.\d+\.\d+'/);
    expect(native).toContain("could not fetch @resvg/resvg-js-linux-x64-gnu@");
  });
});
