// The TAG driver: one all-task training with TAG probes on.
import { loadBackend } from '../model/backend.ts';
import { trainPoint, type PointInput, type PointOutput } from '../model/point.ts';
import { combineHooks, createTagRecorder, type TagOptions, type TagResult } from './hooks.ts';

/**
 * Trains the point with TAG recording on. The probes restore the trunk and optimizer exactly and draw no
 * random numbers, so the point's training and metrics are those of the same point without TAG.
 */
export async function trainPointWithTag(input: PointInput, options: TagOptions): Promise<{ point: PointOutput; tag: TagResult }> {
  const backend = input.backend ?? (await loadBackend());
  const recorder = createTagRecorder(backend.tf, options);
  const point = await trainPoint({ ...input, backend, hooks: combineHooks(input.hooks, recorder.hooks) });
  return { point, tag: recorder.result() };
}
