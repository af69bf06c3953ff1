// Builds the mtlc CDK app. Used by infra/app.ts (the `cdk` entry), the tests and the local runner, so all three
// synthesize the same stack. Stack options come from context: -c compute=gpu|cpu -c spot=true -c maxvCpus=32.
import { type App, Validations } from 'aws-cdk-lib';
import type { TrainerCompute } from './constructs/batch-trainer.ts';
import { AwsSolutionsChecks } from './nag.ts';
import { MtlcStack } from './stack.ts';

export const STACK_NAME = 'Mtlc';

export interface BuildOptions {
  /** Run cdk-nag's AwsSolutions pack during synthesis (a violation stops `cdk synth`). Default true. */
  readonly nag?: boolean;
}

export function buildApp(app: App, options: BuildOptions = {}): MtlcStack {
  const spot = app.node.tryGetContext('spot');
  const maxvCpus = app.node.tryGetContext('maxvCpus');
  const compute = app.node.tryGetContext('compute') ?? 'gpu';
  if (compute !== 'gpu' && compute !== 'cpu') throw new Error(`context compute must be 'gpu' or 'cpu' (-c compute=cpu), got ${JSON.stringify(compute)}`);
  const stack = new MtlcStack(app, STACK_NAME, {
    description: `mtlc: multi-task learning curves on Step Functions + AWS Batch (${compute === 'gpu' ? 'GPU instances' : 'Fargate CPUs'})`,
    compute: compute as TrainerCompute,
    spot: spot === true || spot === 'true',
    maxvCpus: maxvCpus !== undefined ? Number(maxvCpus) : undefined,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
