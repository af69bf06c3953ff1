// Container entry point (ENTRYPOINT of functions/trainer/Dockerfile): trains one point and exits non-zero on
// failure, so AWS Batch marks the job FAILED and the state machine's Map counts it.
import { awsDeps } from '../shared/deps.ts';
import { trainerMain } from './main.ts';

try {
  const result = await trainerMain(process.argv.slice(2), awsDeps());
  console.log(JSON.stringify({ level: 'info', fn: 'trainer', msg: 'done', ...result }));
} catch (err) {
  console.error(JSON.stringify({ level: 'error', fn: 'trainer', msg: 'failed', error: (err as Error).name, message: (err as Error).message }));
  process.exitCode = 1;
}
