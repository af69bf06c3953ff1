// Event shapes of the pipeline handlers (what the state machine passes them).
import { z } from 'zod';

/** Same charset as lib/layout.ts runIdFromConfigKey. */
export const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'must be 1-80 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)');

/** What the state machine passes each step; Plan also gets the execution's ARN to record in status.json. */
export const RunEvent = z.object({ runId: RunId, executionArn: z.string().min(1).optional() });
export type RunEvent = z.infer<typeof RunEvent>;
