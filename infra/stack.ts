// The mtlc stack, top to bottom as the architecture reads (docs/results.md, README "What a run produces"):
// results bucket → pipeline Lambdas → Batch GPU trainer → run state machine → S3 upload trigger.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { acknowledge } from './nag.ts';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { BatchTrainer, type TrainerCompute } from './constructs/batch-trainer.ts';
import { ResultsBucket } from './constructs/results-bucket.ts';
import { RunStateMachine } from './constructs/run-state-machine.ts';
import { RunTrigger } from './constructs/run-trigger.ts';
import { grantRunAccess } from './constructs/run-access.ts';
import { StepLambda } from './constructs/step-lambda.ts';

export interface MtlcStackProps extends StackProps {
  /** Where training runs (docs/aws.md, "Compute: GPU or CPU"); default 'gpu'. */
  readonly compute?: TrainerCompute;
  /** GPU instance types of the Batch compute environment (default g4dn.xlarge, g5.xlarge). */
  readonly gpuInstanceTypes?: ec2.InstanceType[];
  readonly spot?: boolean;
  readonly maxvCpus?: number;
}

export class MtlcStack extends Stack {
  readonly results: ResultsBucket;
  readonly runs: RunStateMachine;
  readonly trigger: RunTrigger;
  readonly trainer: BatchTrainer;

  constructor(scope: Construct, id: string, props: MtlcStackProps = {}) {
    super(scope, id, props);

    this.results = new ResultsBucket(this, 'Results');
    const bucket = this.results.bucket;
    const env = { BUCKET_NAME: bucket.bucketName };

    // Pipeline steps: each reads the run and writes only its own outputs.
    const plan = new StepLambda(this, 'PlanFn', { name: 'plan', description: 'mtlc Plan: featurise, split, list the points', environment: env, memoryMiB: 3008 });
    grantRunAccess(plan, bucket, plan.fn, { read: ['runs/*'], write: ['runs/*/prepared/*', 'runs/*/status.json'] });
    const fit = new StepLambda(this, 'FitFn', { name: 'fit', description: 'mtlc Fit: lists, fits (one shard per target task) and merges the learning-curve fits', environment: env, memoryMiB: 2048 });
    const transfer = new StepLambda(this, 'TransferFn', { name: 'transfer', description: 'mtlc Transfer: transfer effects, TAG, lookahead', environment: env, memoryMiB: 2048 });
    const report = new StepLambda(this, 'ReportFn', { name: 'report', description: 'mtlc Report: HTML report and plots', environment: env, memoryMiB: 2048 });
    for (const step of [fit, transfer, report]) {
      grantRunAccess(step, bucket, step.fn, { read: ['runs/*'], write: ['runs/*/results/*', 'runs/*/status.json'] });
    }
    const status = new StepLambda(this, 'StatusFn', { name: 'status', description: 'mtlc: records a run finishing in status.json', environment: env, memoryMiB: 512, timeout: Duration.minutes(1) });
    grantRunAccess(status, bucket, status.fn, { read: ['runs/*'], write: ['runs/*/status.json'] });

    this.trainer = new BatchTrainer(this, 'Trainer', { bucket, compute: props.compute, instanceTypes: props.gpuInstanceTypes, spot: props.spot, maxvCpus: props.maxvCpus });

    this.runs = new RunStateMachine(this, 'Runs', {
      bucket,
      functions: { plan: plan.fn, fit: fit.fn, transfer: transfer.fn, report: report.fn, status: status.fn },
      trainer: this.trainer,
    });

    this.trigger = new RunTrigger(this, 'Trigger', { bucket, stateMachine: this.runs.stateMachine });

    // What escapes the state machine's Catch (a state payload over 256 KiB, a timeout, a user's StopExecution)
    // still ends status.json: the status Lambda records the execution's end unless MarkFailed already did.
    new events.Rule(this, 'ExecutionClosed', {
      description: 'mtlc: an execution that ends FAILED, TIMED_OUT or ABORTED is recorded in status.json',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.runs.stateMachine.stateMachineArn] },
      },
      targets: [new targets.LambdaFunction(status.fn, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });

    // CDK's own singleton Lambda that installs the bucket notification.
    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      acknowledge(notificationsHandler, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-provided handler that installs the S3 notification; it writes only its own logs with this policy.',
      });
    }

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload runs/<runId>/config.json here to start a run' });
    new CfnOutput(this, 'StateMachineArn', { value: this.runs.stateMachine.stateMachineArn });
    new CfnOutput(this, 'JobQueueArn', { value: this.trainer.jobQueue.jobQueueArn });
  }
}
