// Points per training job: minutes of work per container, without starving the Map's concurrency.
import { describe, expect, it } from 'vitest';
import { JOB_TARGET_SECONDS, MAX_POINTS_PER_JOB, pointsPerJob } from '../../lib/design/jobs.ts';

describe('pointsPerJob', () => {
  it('fills about ten minutes of estimated compute when the study is large', () => {
    // KIBA top 8, pairwise: 7,520 points of ~3.6 s, 50 concurrent jobs → spread caps it at 75 a job.
    expect(pointsPerJob({ pending: 7520, estimatedSeconds: 7520 * 3.6 }, 50, 'auto')).toBe(75);
    // A K = 229 study with many more points: the time target (600 s / 3.6 s) binds.
    expect(pointsPerJob({ pending: 200_000, estimatedSeconds: 200_000 * 3.6 }, 50, 'auto')).toBe(Math.floor(JOB_TARGET_SECONDS / 3.6));
    // Very short points: the byte cap of one batch binds.
    expect(pointsPerJob({ pending: 1e6, estimatedSeconds: 1e6 * 0.1 }, 10, 'auto')).toBe(MAX_POINTS_PER_JOB);
  });

  it('keeps a small study spread over the concurrent jobs, one point a job at the least', () => {
    expect(pointsPerJob({ pending: 300, estimatedSeconds: 1200 }, 50, 'auto')).toBe(3);
    expect(pointsPerJob({ pending: 9, estimatedSeconds: 36 }, 50, 'auto')).toBe(1);
    expect(pointsPerJob({ pending: 0, estimatedSeconds: 0 }, 50, 'auto')).toBe(1);
  });

  it('takes a configured size as it is', () => {
    expect(pointsPerJob({ pending: 300, estimatedSeconds: 1200 }, 50, 20)).toBe(20);
  });
});
