// One `mtlc run` per output folder: a lock file with the owner's pid. A second run on the folder is refused with
// who holds it; a lock whose process is gone is stale (the run died) and is taken over; `mtlc status` reads it to
// tell a RUNNING run from one whose process died.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/errors.ts';

export const LOCK_FILE = 'mtlc-run.lock';

export interface LockInfo {
  pid: number;
  runId: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of `outDir` when its process still runs; undefined when there is none or it is stale. */
export function liveLock(outDir: string): LockInfo | undefined {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(path.join(outDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
  return Number.isInteger(info?.pid) && alive(info.pid) ? info : undefined;
}

/** Takes the lock of `outDir` for this process (a stale one is taken over); returns its release. */
export function acquireLock(outDir: string, runId: string): () => void {
  const file = path.join(outDir, LOCK_FILE);
  // Written whole to a private file, then hard-linked into place (fails if a lock exists): a reader never sees
  // an empty lock, so never mistakes a starting run's lock for a stale one.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, JSON.stringify({ pid: process.pid, runId, startedAt: new Date().toISOString() } satisfies LockInfo));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(mine, file);
      rmSync(mine, { force: true });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        rmSync(mine, { force: true });
        throw err;
      }
      const holder = liveLock(outDir);
      if (holder && holder.pid !== process.pid) {
        rmSync(mine, { force: true });
        throw new InputError({ column: '--out' }, `another mtlc run (pid ${holder.pid}, run '${holder.runId}', started ${holder.startedAt}) is using ${outDir}: wait for it to end, or give this run another --out`);
      }
      rmSync(file, { force: true }); // stale: the process that held it is gone
    }
  }
  rmSync(mine, { force: true });
  throw new InputError({ column: '--out' }, `cannot lock ${outDir} (${LOCK_FILE} keeps reappearing)`);
}
