// `mtlc fit` on hand-written CSV files, through the real dispatcher.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../app/cli/main.ts';
import { predict } from '../../lib/curves/models.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mtlc-fit-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function runFit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n'));
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n'));
  try {
    const code = await main(['fit', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    log.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

// Two EXP3 curves written out by hand from known parameters (rounded to 12 digits).
const truthA = { a: 0.01, b: -1.5, c: 0.9 };
const truthB = { a: 0.003, b: -1, c: 0.85 };
const exp3Csv =
  'curve,n,y\n' +
  [16, 32, 64, 128, 256, 512]
    .flatMap((n) => [`taskA,${n},${predict('exp3', truthA, { n }).toFixed(12)}`, `taskB,${n},${predict('exp3', truthB, { n }).toFixed(12)}`])
    .join('\n') +
  '\n';

describe('mtlc fit', () => {
  it('fits every curve of a file and prints the JSON array', async () => {
    const { code, stdout } = await runFit(['--input', file('exp3.csv', exp3Csv), '--model', 'exp3']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { curve: string; model: string; params: Record<string, number>; sse: number; n_points: number }[];
    expect(rows.map((r) => r.curve)).toEqual(['taskA', 'taskB']);
    expect(Object.keys(rows[0])).toEqual(['curve', 'model', 'params', 'sse', 'n_points']);
    expect(Object.keys(rows[0].params)).toEqual(['a', 'b', 'c']);
    expect(rows[0].n_points).toBe(6);
    for (const [row, truth] of [[rows[0], truthA], [rows[1], truthB]] as const) {
      for (const k of ['a', 'b', 'c'] as const) expect(Math.abs(row.params[k] - truth[k]) / Math.abs(truth[k])).toBeLessThan(1e-6);
      expect(row.sse).toBeLessThan(1e-20);
    }
  });

  it('fits exp3.2 from curve,n_i,n_other,y and prints CSV', async () => {
    const truth = { a: 0.004, s: 2e-4, b: -1.9, c: 0.91 };
    const lines = ['curve,n_i,n_other,y'];
    for (const other of [0, 1000, 3000]) for (const n of [16, 64, 256, 1024]) lines.push(`ctx,${n},${other},${predict('exp3.2', truth, { n, nOther: other }).toFixed(14)}`);
    const { code, stdout } = await runFit(['--input', file('ctx.csv', lines.join('\n')), '--model', 'exp3.2', '--format', 'csv']);
    expect(code).toBe(0);
    const [header, row] = stdout.trim().split('\n');
    expect(header.split(',').slice(0, 8)).toEqual(['curve', 'model', 'a', 's', 'b', 'c', 'sse', 'n_points']);
    const cells = row.split(',');
    expect(cells[0]).toBe('ctx');
    expect(Number(cells[3]) / truth.s).toBeCloseTo(1, 6);
    expect(cells[7]).toBe('12');
  });

  it('names the row and column of a non-numeric cell and exits non-zero', async () => {
    const { code, stderr } = await runFit(['--input', file('bad.csv', 'curve,n,y\nA,16,0.6\nA,32,abc\n'), '--model', 'exp3']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.csv, row 2, column 'y': expected a number, got 'abc'/);
  });

  it('names a missing column', async () => {
    const { code, stderr } = await runFit(['--input', file('cols.csv', 'curve,n,y\nA,16,0.6\n'), '--model', 'exp3.2']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/column 'n_i': missing column/);
  });

  it('refuses an unknown model', async () => {
    const { code, stderr } = await runFit(['--input', file('exp3b.csv', exp3Csv), '--model', 'exp9']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--model.*expected one of exp3, exp3.2/);
  });

  it('reports a curve that cannot be fitted and exits 1, keeping the others', async () => {
    const { code, stdout, stderr } = await runFit(['--input', file('short.csv', exp3Csv + 'tiny,16,0.5\n'), '--model', 'pow3']);
    expect(code).toBe(1);
    const rows = JSON.parse(stdout) as { curve: string; error?: string }[];
    expect(rows.map((r) => r.curve)).toEqual(['taskA', 'taskB', 'tiny']);
    expect(rows[2].error).toMatch(/3 parameters but the curve has only 1 point/);
    expect(stderr).toMatch(/curve 'tiny'/);
  });
});
