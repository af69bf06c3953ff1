// Step Functions adapter of the execution port (AWS). The trigger Lambda and `mtlc status --cloud` use it.
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionDescription, ExecutionPort, ExecutionState, StartResult } from './port.ts';

/** arn:aws:states:<region>:<account>:stateMachine:<sm> + name → arn:…:execution:<sm>:<name> (what AWS assigns). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

export class StepFunctionsExecutions implements ExecutionPort {
  constructor(
    readonly stateMachineArn: string,
    readonly client: SFNClient = new SFNClient({}),
  ) {}

  async start(name: string, input: Record<string, unknown>): Promise<StartResult> {
    try {
      const res = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: res.executionArn!, started: true };
    } catch (err) {
      // A duplicate delivery of the same upload: the run it names exists already (running or closed).
      if (err instanceof ExecutionAlreadyExists || (err as { name?: string }).name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnFor(this.stateMachineArn, name), started: false };
      }
      throw err;
    }
  }

  async describe(executionArn: string): Promise<ExecutionDescription | undefined> {
    let res;
    try {
      res = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist || (err as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
      throw err;
    }
    const out: ExecutionDescription = {
      executionArn,
      name: res.name ?? executionArn.split(':').pop()!,
      state: (res.status ?? 'RUNNING') as ExecutionState,
      startedAt: res.startDate?.toISOString(),
      stoppedAt: res.stopDate?.toISOString(),
      error: res.error,
      cause: res.cause,
      input: res.input ? JSON.parse(res.input) : undefined,
    };
    const runs = await this.client.send(new ListMapRunsCommand({ executionArn }));
    const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
    if (mapRunArn) {
      const run = await this.client.send(new DescribeMapRunCommand({ mapRunArn }));
      const c = run.itemCounts;
      if (c) out.mapRun = { pending: c.pending ?? 0, running: c.running ?? 0, succeeded: c.succeeded ?? 0, failed: c.failed ?? 0, total: c.total ?? 0 };
    }
    return out;
  }
}
