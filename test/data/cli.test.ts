import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../app/cli/commands/data.ts';
import { main } from '../../app/cli/main.ts';
import { configFromDataFlags } from '../../app/cli/flags.ts';
import { ConfigError } from '../../lib/errors.ts';
import { tempDir, writeCsv } from './tmpfiles.ts';

const dir = tempDir();
const labels = writeCsv(dir, 'tiny.csv', [
  'compound_id,smiles,target_id,label',
  ...['CCO', 'CCN', 'CCC', 'CCCl', 'c1ccccc1'].flatMap((s, i) => [`m${i},${s},A,${i % 2}`, `m${i},${s},B,${i < 2 ? 1 : 0}`]),
  'm9,CC,C,1',
]);

// The command uses the default cache location: point it at a temporary folder, not the user's home.
beforeAll(() => vi.stubEnv('MTLC_CACHE_DIR', tempDir('mtlc-cache-')));
afterAll(() => vi.unstubAllEnvs());
afterEach(() => vi.restoreAllMocks());

describe('mtlc data', () => {
  it('prints the selected tasks with counts and positive rates, and the excluded ones with reasons', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const code = await run(['--labels', labels, '--tasks', 'top:2', '--min-positives', '1', '--min-negatives', '1', '--bits', '128']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/tiny\.csv: 2 tasks, 5 compounds \(labels given as 0\/1\); features ECFP radius 2, 128 bits/);
    expect(text).toMatch(/^A\s+5\s+2\s+3\s+0\.400$/m);
    expect(text).toMatch(/^B\s+5\s+2\s+3\s+0\.400$/m);
  });

  it('lists exclusions', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    await run(['--labels', labels, '--tasks', 'top:3', '--min-positives', '2', '--min-negatives', '1', '--bits', '128']);
    expect(out.join('\n')).toMatch(/excluded:\n {2}C: 1 positives < tasks\.minPositives = 2; 0 negatives < tasks\.minNegatives = 1\n/);
    expect(out.join('\n')).toMatch(/only 2 of 3 targets qualify/);
  });

  it('turns flags into a validated run configuration', () => {
    const c = configFromDataFlags({ dataset: 'davis', tasks: 'ABL1p,AAK1', threshold: '6.5', tie: '>', 'min-positives': '2' });
    expect(c.dataset).toMatchObject({ name: 'davis', threshold: 6.5, tie: '>' });
    expect(c.tasks).toMatchObject({ list: ['ABL1p', 'AAK1'], minPositives: 2 });
    expect(() => configFromDataFlags({ tasks: 'top:x' })).toThrow(/--tasks/);
    expect(() => configFromDataFlags({ tie: '=' })).toThrow(ConfigError);
    expect(() => configFromDataFlags({ tie: '=' })).toThrow(/dataset\.tie/);
  });

  it('prints usage on --help and on an unknown flag', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    expect(await run(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/usage: mtlc data/);
    // An unknown flag is a usage error, answered by the dispatcher for every command alike.
    expect(await main(['data', '--bogus'])).toBe(2);
    expect(out.join('\n')).toMatch(/mtlc data: Unknown option '--bogus'\nRun `mtlc data --help` for its options\./);
  });
});
