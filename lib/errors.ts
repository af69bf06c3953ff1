// One home for the errors a user can cause. Each says where (file, row, column or config field) and what was expected.

export class MtlcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface InputLocation {
  file?: string;
  /** 1-based data row (the header is row 0), as a spreadsheet user counts it. */
  row?: number;
  column?: string;
}

/** Longest problem text an InputError carries: it may quote a file, and never more than a short excerpt of it. */
export const MAX_PROBLEM_CHARS = 600;

/**
 * Text from a user's file made safe to show: control characters (newlines, NULs, escapes) as '·', and at most
 * `max` characters, the cut said.
 */
export function excerpt(text: string, max = MAX_PROBLEM_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '·');
  return clean.length <= max ? clean : `${clean.slice(0, max)}… (${clean.length - max} more characters)`;
}

/** A problem in a user's data file: names the file, row and column. About a file, its text is an excerpt (see `excerpt`). */
export class InputError extends MtlcError {
  readonly location: InputLocation;
  constructor(location: InputLocation, problem: string) {
    if (location.file !== undefined) problem = excerpt(problem);
    const where = [
      location.file,
      location.row !== undefined ? `row ${location.row}` : undefined,
      location.column !== undefined ? `column '${location.column}'` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${problem}` : problem);
    this.location = location;
  }
}

/** A problem in a run configuration: names the field path. */
export class ConfigError extends MtlcError {
  readonly issues: { field: string; message: string }[];
  constructor(issues: { field: string; message: string }[]) {
    super(
      issues.length === 1
        ? `config field '${issues[0].field}': ${issues[0].message}`
        : `config has ${issues.length} problems:\n` + issues.map((i) => `  - '${i.field}': ${i.message}`).join('\n'),
    );
    this.issues = issues;
  }
}

/** A computation that cannot proceed on valid input (e.g. a curve with too few points); says why. */
export class ComputationError extends MtlcError {}

/** A stored document that cannot be read (truncated, not JSON, not the expected shape): names the file and why. */
export class CorruptDocumentError extends MtlcError {
  readonly key: string;
  readonly reason: string;
  constructor(where: string, key: string, reason: string) {
    super(`${where} is corrupt: ${reason}`);
    this.key = key;
    this.reason = reason;
  }
}
