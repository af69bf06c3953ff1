// One mtlc run per output folder; a lock left by a dead process is stale and taken over.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, liveLock, LOCK_FILE } from '../../app/local/lock.ts';

describe('the output folder lock', () => {
  it('refuses a second run while the first holds it, naming who holds it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-lock-'));
    // A live process other than this one holds it: the parent of the test worker.
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, runId: 'first', startedAt: 'T' }));
    expect(() => acquireLock(dir, 'second')).toThrow(new RegExp(`another mtlc run \\(pid ${process.ppid}, run 'first', started T\\) is using .*: wait for it to end, or give this run another --out`));
    expect(liveLock(dir)?.runId).toBe('first');
  });

  it('takes over a lock whose process is gone, and releases it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-lock-'));
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, runId: 'dead', startedAt: 'T' }));
    expect(liveLock(dir)).toBeUndefined();
    const release = acquireLock(dir, 'mine');
    expect(liveLock(dir)).toMatchObject({ pid: process.pid, runId: 'mine' });
    release();
    expect(liveLock(dir)).toBeUndefined();
  });
});
