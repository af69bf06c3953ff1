// `mtlc run` with its output sent to a log: a progress line every 30 s and at the end, with the time left.
import { describe, expect, it, vi } from 'vitest';
import { defaultRunId, progressLines } from '../../app/cli/commands/run.ts';
import { describeStudySize } from '../../lib/design/size.ts';

describe('progress lines for logs', () => {
  it('writes one line per interval and one at the end, with elapsed time and the time left at the rate so far', () => {
    let t = 0;
    const out: string[] = [];
    const line = progressLines((l) => out.push(l), 30_000, () => t);
    line({ pointsDone: 0, pointsTotal: 100, pointsFailed: 0 });
    t = 10_000;
    line({ pointsDone: 10, pointsTotal: 100, pointsFailed: 0 });
    t = 30_000;
    line({ pointsDone: 30, pointsTotal: 100, pointsFailed: 0 });
    t = 40_000;
    line({ pointsDone: 40, pointsTotal: 100, pointsFailed: 1 });
    t = 100_000;
    line({ pointsDone: 100, pointsTotal: 100, pointsFailed: 1 });
    expect(out).toEqual(['points 30/100 (30%), 30s elapsed, about 1m10s left', 'points 100/100 (100%), 1 failed, 1m40s elapsed']);
  });

  it('states the size of a study in trainings and compute', () => {
    expect(describeStudySize({ points: 545, pending: 500, estimatedSeconds: 2100 })).toBe('545 trainings (500 to run), ≈ 35 CPU-minutes of training on one core each');
    expect(describeStudySize({ points: 9000, pending: 9000, estimatedSeconds: 36_000 })).toBe('9000 trainings (9000 to run), ≈ 10.0 CPU-hours of training on one core each');
  });
});

describe('default run ids', () => {
  it('are the config name when it follows the rule, and never shared by names that read alike', () => {
    expect(defaultRunId('exp/study-1.json')).toBe('study-1');
    expect(defaultRunId(undefined)).toBe('default');
    const spaced = defaultRunId('a b.json');
    expect(spaced).toMatch(/^a-b-[0-9a-f]{6}$/);
    expect(defaultRunId('a-b.json')).toBe('a-b');
    expect(defaultRunId('ü.json')).toMatch(/^run-[0-9a-f]{6}$/);
    expect(defaultRunId('ü.json')).not.toBe(defaultRunId('é.json'));
  });
});

describe('mtlc: usage errors', () => {
  it('answers a bad flag value with the message and the --help hint, exit status 2', async () => {
    const { main } = await import('../../app/cli/main.ts');
    let stderr = '';
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n'));
    try {
      expect(await main(['data', '--threshold', 'high'])).toBe(2);
      expect(stderr).toBe("mtlc data: --threshold: expected a number, got 'high'\nRun `mtlc data --help` for its options.\n");
      stderr = '';
      expect(await main(['nonsense'])).toBe(2);
      expect(stderr).toMatch(/^mtlc: unknown command 'nonsense'\n\nusage: mtlc <command>[\s\S]*  train +train and evaluate one point/);
    } finally {
      spy.mockRestore();
    }
  });
});
