// Builds the mtlc CDK app. Used by infra/app.ts (the `cdk` entry), the tests and the local runner, so all three
// synthesize the same stack. Stack options come from context: -c spot=true -c maxvCpus=32.
import { type App, Validations } from 'aws-cdk-lib';
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
  const stack = new MtlcStack(app, STACK_NAME, {
    description: 'mtlc: multi-task learning curves on Step Functions + AWS Batch GPUs',
    spot: spot === true || spot === 'true',
    maxvCpus: maxvCpus !== undefined ? Number(maxvCpus) : undefined,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
