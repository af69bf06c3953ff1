// Event shapes of the pipeline handlers (what the state machine passes them).
import { z } from 'zod';
import { RUN_ID, RUN_ID_RULE } from '../../lib/layout.ts';

/** The run-id rule of lib/layout.ts. */
export const RunId = z.string().regex(RUN_ID, `must be ${RUN_ID_RULE}`);

/** What the state machine passes each step; Plan also gets the execution's ARN to record in status.json. */
export const RunEvent = z.object({ runId: RunId, executionArn: z.string().min(1).optional() });
export type RunEvent = z.infer<typeof RunEvent>;
