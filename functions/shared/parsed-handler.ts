// A Lambda handler whose body receives its event as the schema parsed it, as Powertools' parser does: the function
// accepts any JSON, the validateInput middleware replaces the event with the parsed value (or fails with
// InvalidInput naming each bad field), and the body's event type is the schema's output — no cast in a handler.
import middy from '@middy/core';
import type { z } from 'zod';
import { structuredLogs, type LogSink } from './middleware/structured-logs.ts';
import { validateInput } from './middleware/validate-input.ts';

export interface ParsedHandlerOptions {
  sink?: LogSink;
  /** Applied to the raw event before it is parsed (e.g. a default field). */
  prepare?: (event: unknown) => unknown;
}

export function parsedHandler<S extends z.ZodType, R>(fn: string, schema: S, body: (event: z.output<S>) => Promise<R>, options: ParsedHandlerOptions = {}) {
  const { sink, prepare } = options;
  // validateInput's `before` hook has replaced the event with schema's output by the time the body runs.
  const handler = middy(async (event: unknown): Promise<R> => body(event as z.output<S>)).use(structuredLogs(fn, sink));
  if (prepare) handler.use({ before: (request) => void (request.event = prepare(request.event)) });
  return handler.use(validateInput(fn, schema));
}
