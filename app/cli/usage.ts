// Errors in how a command was called (a flag's value, a missing argument): the CLI answers with the message and
// the command's --help hint, exit status 2, like the flag parser's own errors.
import { MtlcError } from '../../lib/errors.ts';

export class UsageError extends MtlcError {
  constructor(
    readonly flag: string,
    problem: string,
  ) {
    super(`${flag}: ${problem}`);
    this.name = 'UsageError';
  }
}

/** A numeric flag's value, or a UsageError naming the flag. */
export function numberFlag(flag: string, value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${flag}`, `expected a number, got '${value}'`);
  return x;
}
