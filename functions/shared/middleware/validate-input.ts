// middy middleware: the event must match a zod schema before the handler runs; otherwise the invocation fails
// with an InvalidInput error naming each bad field (Step Functions sees errorType "InvalidInput").
import type middy from '@middy/core';
import type { z } from 'zod';
import { MtlcError } from '../../../lib/errors.ts';

/** A handler's event that fails its schema: a user-facing error (the CLI prints its one line, no stack). */
export class InvalidInput extends MtlcError {
  readonly issues: { field: string; message: string }[];
  constructor(fn: string, issues: { field: string; message: string }[]) {
    super(`${fn}: invalid input: ` + issues.map((i) => `'${i.field}' ${i.message}`).join('; '));
    this.issues = issues;
  }
}

export function validateInput<S extends z.ZodType>(fn: string, schema: S): middy.MiddlewareObj<unknown, unknown> {
  return {
    before: (request) => {
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) {
        throw new InvalidInput(
          fn,
          parsed.error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(event)', message: i.message })),
        );
      }
      request.event = parsed.data;
    },
  };
}
