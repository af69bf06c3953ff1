// Event shapes of the pipeline handlers (what the state machine passes them).
import { z } from 'zod';

/** Same charset as lib/layout.ts runIdFromConfigKey. */
export const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'must be 1-80 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)');

export const RunEvent = z.object({ runId: RunId });
export type RunEvent = z.infer<typeof RunEvent>;
