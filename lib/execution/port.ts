// The execution port: how a run's state machine is started and watched. Adapters: Step Functions (sfn.ts) and local (local/adapter.ts).

export type ExecutionState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface StartResult {
  executionArn: string;
  /** false when an execution of that name already existed (a duplicate delivery): nothing new was started. */
  started: boolean;
}

export interface ExecutionDescription {
  executionArn: string;
  name: string;
  state: ExecutionState;
  startedAt?: string;
  stoppedAt?: string;
  error?: string;
  cause?: string;
  input?: unknown;
  /** Distributed Map run counts, when the adapter can see them. */
  mapRun?: { pending: number; running: number; succeeded: number; failed: number; total: number };
}

export interface ExecutionPort {
  /**
   * Starts an execution of the run state machine under a deterministic name. Starting a name that already
   * exists starts nothing and reports `started: false` (Step Functions' ExecutionAlreadyExists, treated as success).
   */
  start(name: string, input: Record<string, unknown>): Promise<StartResult>;
  describe(executionArn: string): Promise<ExecutionDescription | undefined>;
}
