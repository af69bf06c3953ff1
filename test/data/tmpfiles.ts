// Writing small CSV fixtures into a fresh temporary folder per test file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'mtlc-data-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `lines` (joined with newlines) to dir/name and returns the path. */
export function writeCsv(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n') + (lines.length ? '\n' : ''));
  return file;
}
