// The Batch trainer's entry logic: `--run-id R --points '["p1","p2",…]'` → train those points, each into
// points/<id>.json. The Map's ItemBatcher hands a job its batch; the container (entry.ts) and the local worker
// pool (app/local/worker.ts) both call trainerMain.
import { ID_CHARACTERS, POINT_ID } from '../../lib/ids.ts';
import { parseArgs } from 'node:util';
import { InputError } from '../../lib/errors.ts';
import { trainPointsStep, type PointOutcome, type TrainPointsOutput } from '../../lib/pipeline/steps.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { RunId } from '../shared/schemas.ts';

export function parseTrainerArgs(argv: string[]): { runId: string; pointIds: string[] } {
  const { values } = parseArgs({ args: argv, options: { 'run-id': { type: 'string' }, points: { type: 'string' } }, strict: true });
  const runId = values['run-id'];
  if (!runId || !RunId.safeParse(runId).success) throw new InputError({ column: '--run-id' }, `expected a run id (A-Z a-z 0-9 . _ -), got ${JSON.stringify(runId ?? null)}`);
  const expected = `a JSON list of point ids (${ID_CHARACTERS})`;
  let pointIds: unknown;
  try {
    pointIds = JSON.parse(values.points ?? '');
  } catch {
    throw new InputError({ column: '--points' }, `expected ${expected}, got ${JSON.stringify(values.points ?? null)}`);
  }
  if (!Array.isArray(pointIds) || pointIds.length === 0) throw new InputError({ column: '--points' }, `expected ${expected} (at least one), got ${JSON.stringify(values.points)}`);
  const bad = pointIds.find((p) => typeof p !== 'string' || !POINT_ID.test(p));
  if (bad !== undefined) throw new InputError({ column: '--points' }, `expected ${expected}; ${JSON.stringify(bad)} is not one`);
  return { runId, pointIds: pointIds as string[] };
}

export async function trainerMain(argv: string[], deps: HandlerDeps, onPoint?: (outcome: PointOutcome) => void): Promise<TrainPointsOutput> {
  const { runId, pointIds } = parseTrainerArgs(argv);
  return trainPointsStep({ store: deps.store, runId, pointIds, dataDir: deps.dataDir, cacheDir: deps.cacheDir, onPoint });
}
