// Lambda's time and memory limits for the handlers the local runner calls in-process (docs/aws.md, "The same
// pipeline on one machine"). A handler that runs past its function's Timeout fails as Step Functions reports an
// unhandled Lambda failure (Lambda.Unknown); so does one whose memory passes its MemorySize. Calls run one at a
// time: in one Node thread concurrent CPU-bound handlers would only interleave, and each would be charged the
// others' time and memory (on AWS every Lambda has its own). Memory is the peak growth of this process's resident
// set while the handler runs, on top of what a Node runtime with the bundle loaded takes.

/** A function's limits, from the template (Timeout in seconds, MemorySize in MiB). */
export interface LambdaLimits {
  timeoutSeconds: number;
  memoryMiB: number;
}

/** Resident memory of a Lambda's Node runtime with an mtlc bundle loaded, before the handler's own work (MiB; ~160 measured in a tsx process that loaded the fit and report handlers). */
export const RUNTIME_BASE_MIB = 150;

/** How often the resident set is sampled while a handler runs. */
const SAMPLE_MS = 50;

/** One line per function: its longest call and largest memory against its limits; then each state that calls it, when several do. */
export function describeLambdaUsage(usage: LambdaUsage): string[] {
  const line = (name: string, u: CallUsage, limits: LambdaLimits) =>
    `${name}: ${u.calls} call(s), ${u.totalSeconds.toFixed(1)} s in all, longest ${u.maxSeconds.toFixed(1)} s of ${limits.timeoutSeconds} s, memory ≈ ${Math.round(u.maxMemoryMiB)} of ${limits.memoryMiB} MiB`;
  return Object.entries(usage).flatMap(([name, u]) => {
    const states = Object.entries(u.states);
    return [line(name, u, u.limits), ...(states.length > 1 ? states.map(([state, s]) => `  ${line(state, s, u.limits)}`) : [])];
  });
}

/** Calls, seconds in all, the longest call and the largest memory. */
export interface CallUsage {
  calls: number;
  totalSeconds: number;
  maxSeconds: number;
  maxMemoryMiB: number;
}

/** What each function used (and each state that calls it: the Fit function serves PlanFits, the shards and MergeFits), next to its limits. */
export type LambdaUsage = Record<string, CallUsage & { limits: LambdaLimits; states: Record<string, CallUsage> }>;

const MiB = 1024 * 1024;

export class LambdaLimiter {
  readonly usage: LambdaUsage = {};
  /** The end of the last queued call: the next one starts after it. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `call` as function `name` (from state `state`) within `limits`, after the calls before it; rejects like Lambda when it passes one. */
  run<T>(name: string, state: string, limits: LambdaLimits | undefined, call: () => Promise<T>): Promise<T> {
    if (!limits) return call();
    const turn = this.queue.then(() => this.measure(name, state, limits, call));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async measure<T>(name: string, state: string, limits: LambdaLimits, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const base = process.memoryUsage().rss;
    let peak = base;
    let failed = false;
    let rejectLimit!: (e: Error) => void;
    const limit = new Promise<never>((_, reject) => (rejectLimit = reject));
    const fail = (what: string) => {
      if (failed) return;
      failed = true;
      rejectLimit(Object.assign(new Error(`the Lambda function ${name} ${what}`), { name: 'Lambda.Unknown' }));
    };
    const failOnMemory = (used: number) => {
      if (used > limits.memoryMiB) fail(`used about ${Math.round(used)} MiB, over its MemorySize of ${limits.memoryMiB} MiB (Runtime.OutOfMemory on AWS): give the function more memory in infra/stack.ts, or make the step's work smaller`);
    };
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      const used = RUNTIME_BASE_MIB + (peak - base) / MiB;
      failOnMemory(used);
    }, SAMPLE_MS);
    const timer = setTimeout(
      () => fail(`timed out after ${limits.timeoutSeconds} s, its configured Timeout (Lambda's most is 15 minutes): the step's work must be cut into smaller pieces`),
      limits.timeoutSeconds * 1000,
    );
    try {
      const result = await Promise.race([call(), limit]);
      // A synchronous handler is sampled only when it yields: its peak may first show here.
      peak = Math.max(peak, process.memoryUsage().rss);
      const used = RUNTIME_BASE_MIB + (peak - base) / MiB;
      failOnMemory(used);
      if (failed) await limit;
      return result;
    } finally {
      clearInterval(sampler);
      clearTimeout(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      const u = (this.usage[name] ??= { calls: 0, totalSeconds: 0, maxSeconds: 0, maxMemoryMiB: 0, limits, states: {} });
      const seconds = (performance.now() - started) / 1000;
      const memory = RUNTIME_BASE_MIB + (peak - base) / MiB;
      for (const c of [u, (u.states[state] ??= { calls: 0, totalSeconds: 0, maxSeconds: 0, maxMemoryMiB: 0 })]) {
        c.calls++;
        c.totalSeconds += seconds;
        c.maxSeconds = Math.max(c.maxSeconds, seconds);
        c.maxMemoryMiB = Math.max(c.maxMemoryMiB, memory);
      }
    }
  }
}
