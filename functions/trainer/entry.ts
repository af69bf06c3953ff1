// Container entry point (ENTRYPOINT of functions/trainer/Dockerfile): trains its batch of points, logging a line
// as each ends, and exits non-zero if any failed, so AWS Batch marks the job FAILED and the state machine's Map
// counts it.
import { awsDeps } from '../shared/deps.ts';
import { trainerMain } from './main.ts';

try {
  const result = await trainerMain(process.argv.slice(2), awsDeps(), (outcome) =>
    console.log(JSON.stringify({ level: outcome.ok ? 'info' : 'error', fn: 'trainer', msg: outcome.ok ? 'point done' : 'point failed', ...outcome })),
  );
  console.log(JSON.stringify({ level: 'info', fn: 'trainer', msg: 'done', points: result.points.length, seconds: result.seconds }));
} catch (err) {
  console.error(JSON.stringify({ level: 'error', fn: 'trainer', msg: 'failed', error: (err as Error).name, message: (err as Error).message }));
  process.exitCode = 1;
}
