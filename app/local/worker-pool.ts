// A pool of long-lived worker processes standing in for the Batch compute environment: one job per worker at a
// time, FIFO queue, a crashed worker fails its job and is replaced. Workers are forked through bin/run-ts.js.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PointOutcome } from '../../lib/pipeline/steps.ts';
import type { JobMessage, JobReply, PointMessage } from './worker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const runTs = path.resolve(here, '../../bin/run-ts.js');
const workerEntry = path.join(here, 'worker.ts');

export class JobFailed extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
    readonly exitCode: number,
  ) {
    super(reason);
    this.name = 'JobFailed';
  }
}

interface Pending {
  msg: JobMessage;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  job?: Pending;
}

export interface WorkerPoolOptions {
  /** Number of worker processes; default: one per core. */
  size?: number;
  /** Environment of the workers (added to this process's). */
  env: Record<string, string | undefined>;
  /** Hears each point of a job as it ends (a job trains a batch of points). */
  onPoint?(outcome: PointOutcome): void;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;
  private nextId = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? os.availableParallelism?.() ?? os.cpus().length);
  }

  /** Runs one job (a container command line); resolves with the worker's result or rejects with JobFailed. */
  run(argv: string[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new JobFailed('-', 'the worker pool is closed', 137));
    return new Promise((resolve, reject) => {
      this.queue.push({ msg: { jobId: `job-${++this.nextId}`, argv }, resolve, reject });
      this.dispatch();
    });
  }

  private spawn(): Slot {
    const child = fork(runTs, [workerEntry], {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady!: () => void;
    const slot: Slot = { child, ready: new Promise((r) => (markReady = r)) };
    child.on('message', (m: JobReply | PointMessage | { ready: true }) => {
      if ('ready' in m) return markReady();
      if ('point' in m) return this.options.onPoint?.(m.point);
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        if (m.ok) job.resolve(m.result);
        else job.reject(new JobFailed(job.msg.jobId, `${m.error.name}: ${m.error.message}`, 1));
      }
      this.dispatch();
    });
    child.on('exit', (code, signal) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) job.reject(new JobFailed(job.msg.jobId, `worker exited (${signal ?? `code ${code}`}) while training`, code ?? 137));
      markReady();
      if (!this.closed) this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      const s = slot;
      void s.ready.then(() => {
        if (s.job === job && s.child.connected) s.child.send(job.msg);
      });
    }
  }

  /** Kills the workers; queued and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new JobFailed(job.msg.jobId, 'the worker pool was closed', 137));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
            s.child.once('exit', () => resolve());
            s.child.kill('SIGKILL');
          }),
      ),
    );
  }
}
