// The shape shared by the pipeline step Lambdas: validate {runId}, record the step in status.json, call the
// step in lib/pipeline, return its (small) result to the state machine. Handlers stay thin.
import { markStatus, type StepContext } from '../../lib/pipeline/steps.ts';
import type { DepsProvider } from './deps.ts';
import type { LogSink } from './middleware/structured-logs.ts';
import { parsedHandler } from './parsed-handler.ts';
import { RunEvent } from './schemas.ts';

export function stepContext(deps: DepsProvider, runId: string): StepContext {
  const d = deps();
  return { store: d.store, runId, dataDir: d.dataDir, cacheDir: d.cacheDir };
}

export function createStepHandler<R>(
  fn: string,
  step: string,
  deps: DepsProvider,
  run: (ctx: StepContext) => Promise<R>,
  sink?: LogSink,
  /** The first step of an execution: its status starts afresh (no progress or ARN of an earlier run). */
  options: { startsRun?: boolean } = {},
) {
  return parsedHandler(
    fn,
    RunEvent,
    async ({ runId, executionArn }) => {
      const ctx = stepContext(deps, runId);
      await markStatus(ctx, { state: 'RUNNING', step, executionArn }, { fresh: options.startsRun });
      return run(ctx);
    },
    { sink },
  );
}
