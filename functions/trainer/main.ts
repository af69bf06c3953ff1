// The Batch trainer's entry logic: `--run-id R --point-id P` → train that one point into points/<P>.json.
// The container (entry.ts) and the local worker pool (app/local/worker.ts) both call trainerMain.
import { ID_CHARACTERS, POINT_ID } from '../../lib/ids.ts';
import { parseArgs } from 'node:util';
import { InputError } from '../../lib/errors.ts';
import { trainStep } from '../../lib/pipeline/steps.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { RunId } from '../shared/schemas.ts';

export function parseTrainerArgs(argv: string[]): { runId: string; pointId: string } {
  const { values } = parseArgs({ args: argv, options: { 'run-id': { type: 'string' }, 'point-id': { type: 'string' } }, strict: true });
  const runId = values['run-id'];
  const pointId = values['point-id'];
  if (!runId || !RunId.safeParse(runId).success) throw new InputError({ column: '--run-id' }, `expected a run id (A-Z a-z 0-9 . _ -), got ${JSON.stringify(runId ?? null)}`);
  if (!pointId || !POINT_ID.test(pointId)) throw new InputError({ column: '--point-id' }, `expected a point id (${ID_CHARACTERS}), got ${JSON.stringify(pointId ?? null)}`);
  return { runId, pointId };
}

export async function trainerMain(argv: string[], deps: HandlerDeps): Promise<{ pointId: string; seconds: number; skipped: boolean }> {
  const { runId, pointId } = parseTrainerArgs(argv);
  return trainStep({ store: deps.store, runId, pointId, dataDir: deps.dataDir, cacheDir: deps.cacheDir });
}
