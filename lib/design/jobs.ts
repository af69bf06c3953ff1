// How many points one training job trains (docs/aws.md, "Jobs"). A Batch container costs its start (image pull,
// CUDA and data load: tens of seconds) whatever it trains, so a job trains a batch of points sized to minutes of
// work; but not so few jobs that the Map's concurrent slots stand idle.
import type { StudySize } from './size.ts';

/** Estimated one-core compute a job aims at: ten minutes keeps the container's start under a few per cent. */
export const JOB_TARGET_SECONDS = 600;

/**
 * The most points one job may take. The batch travels as one SubmitJob parameter (a JSON list of point ids;
 * Batch's payload limit is 30 KiB) and the ItemBatcher is also capped at MAX_BATCH_INPUT_BYTES: 200 ids of the
 * usual ~40 characters fit either way.
 */
export const MAX_POINTS_PER_JOB = 200;

/** The ItemBatcher's byte cap on one batch (the point ids and the run id): well inside SubmitJob's 30 KiB. */
export const MAX_BATCH_INPUT_BYTES = 16_384;

/**
 * Points per job: `configured` when the config fixes it, else as many as fill JOB_TARGET_SECONDS of estimated
 * compute, but no more than spreads the pending points over twice the Map's concurrency (small studies keep
 * their parallelism), and never more than MAX_POINTS_PER_JOB.
 */
export function pointsPerJob(size: Pick<StudySize, 'pending' | 'estimatedSeconds'>, maxConcurrency: number, configured: number | 'auto'): number {
  if (configured !== 'auto') return Math.min(configured, MAX_POINTS_PER_JOB);
  if (size.pending === 0) return 1;
  const meanSeconds = Math.max(size.estimatedSeconds / size.pending, 1e-3);
  const byTime = Math.floor(JOB_TARGET_SECONDS / meanSeconds);
  const bySpread = Math.floor(size.pending / (2 * maxConcurrency));
  return Math.max(1, Math.min(byTime, bySpread, MAX_POINTS_PER_JOB));
}
