// `mtlc train` end to end on a small slice of KIBA, and its flag errors.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, configFromTrainFlags } from '../../app/cli/commands/train.ts';
import { UsageError } from '../../app/cli/usage.ts';
import { dataDir } from '../helpers/paths.ts';

afterEach(() => vi.restoreAllMocks());

describe('mtlc train', () => {
  it('prints a per-task table, macro AUROC, seconds and backend', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const code = await run(['--dataset', 'kiba', '--data-dir', dataDir, '--tasks', 'top:2', '--split', 'random', '--fold', '1', '--size', '200', '--max-steps', '40']);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/task\s+nTrain\s+nTest\s+positives\s+AUROC\s+AUPRC\s+log-loss/);
    // the two targets with the most KIBA measurements, each trained on 200 compounds
    expect(text).toMatch(/P35968\s+200\s+\d+\s+\d+\s+0\.\d{4}/);
    expect(text).toMatch(/P17612\s+200\s+\d+\s+\d+\s+0\.\d{4}/);
    const macro = /macro AUROC (0\.\d{4})\s+[\d.]+ s\s+backend (\w+)/.exec(text);
    expect(macro).not.toBeNull();
    expect(Number(macro![1])).toBeGreaterThan(0.6);
    expect(['wasm', 'cpu', 'tensorflow']).toContain(macro![2]);
  });

  it('names the offending flag or config field', () => {
    // A flag's own value is a usage error (exit status 2, the --help hint); a value the config refuses names its field.
    expect(() => configFromTrainFlags({}, { 'max-steps': 'ten' })).toThrow(UsageError);
    expect(() => configFromTrainFlags({}, { 'max-steps': 'ten' })).toThrow(/--max-steps.*expected a number, got 'ten'/);
    expect(() => configFromTrainFlags({}, { 'max-steps': '0' })).toThrow(/model\.maxSteps/);
    expect(() => configFromTrainFlags({}, { patience: '1.5' })).toThrow(/model\.patience/);
    expect(() => configFromTrainFlags({}, { split: 'temporal' })).toThrow(/split\.kinds/);
    expect(() => configFromTrainFlags({}, { fold: '7' })).toThrow(/split\.useFolds/);
    expect(() => configFromTrainFlags({}, { hidden: '512,x' })).toThrow(/--hidden/);
    const c = configFromTrainFlags({ tasks: 'top:4' }, { hidden: '256,64', 'max-steps': '500', 'eval-every': '25', patience: '4', lr: '0.003' });
    expect(c.model.hidden).toEqual([256, 64]);
    expect([c.model.maxSteps, c.model.evalEvery, c.model.patience]).toEqual([500, 25, 4]);
    expect(c.model.learningRate).toBe(0.003);
    expect(c.tasks.top).toBe(4);
  });

  it('rejects an unknown backend and a bad size before any work', async () => {
    await expect(run(['--backend', 'gpu'])).rejects.toThrow(/--backend.*expected node, wasm or cpu/);
    await expect(run(['--size', '0'])).rejects.toThrow(/--size.*positive integer/);
  });
});
