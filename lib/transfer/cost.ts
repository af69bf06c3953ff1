// The compute bill: seconds per approach, so that learning curves, the random design, TAG and lookahead compare.
import type { TransferFile } from '../results.ts';
import type { CompletedPoint } from './observations.ts';

type CostEntry = TransferFile['cost'][string];

function describe(points: CompletedPoint[], seconds: number): CostEntry {
  const devices = [...new Set(points.map((p) => p.result.device))].sort();
  const backends = [...new Set(points.map((p) => p.result.backend))].sort();
  return { seconds, points: points.length, device: devices.join(', ') || 'none', backend: backends.join(', ') || 'none' };
}

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

/**
 * Seconds per approach (a point serving several designs is charged in full to each, because each approach
 * alone would have needed it):
 * - `pairwise`: every point of the pairwise grid;  `random`: every point of the random design;
 * - `curves`: the single-task and all-task curve points (`single`: the single-task ones alone);
 * - `contextual`: the contextual design's points;
 * - `tag`: the probe seconds the trainer measured inside the probed runs (the probe overhead); `tag_run`: the
 *   probed all-task runs TAG rides on (probes included);
 * - `lookahead`: the snapshot-branch jobs, whole (they are trainings of their own); the single-task curves they
 *   take c and a_i from are charged to `curves`;
 * - `total`: every completed point once.
 */
export function costTable(completed: CompletedPoint[]): TransferFile['cost'] {
  const withDesign = (...designs: string[]) => completed.filter((c) => c.spec.uses.some((u) => designs.includes(u.design)));
  const out: TransferFile['cost'] = {};
  const add = (name: string, points: CompletedPoint[], seconds = sum(points.map((p) => p.result.seconds))) => {
    if (points.length) out[name] = describe(points, seconds);
  };
  add('pairwise', withDesign('pairwise'));
  add('random', withDesign('random'));
  add('curves', withDesign('single', 'all'));
  add('single', withDesign('single'));
  add('contextual', withDesign('contextual'));
  const tagged = completed.filter((c) => c.result.tag);
  add('tag', tagged, sum(tagged.map((c) => c.result.tag!.seconds)));
  add('tag_run', tagged, sum(tagged.map((c) => c.result.seconds)));
  add('lookahead', withDesign('lookahead'));
  add('total', completed);
  return out;
}
