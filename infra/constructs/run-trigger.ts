// The run trigger: an upload of runs/<runId>/config.json reaches the trigger Lambda (S3 notification), which
// validates the config and starts the state machine under a name derived from the upload (duplicates start nothing).
import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantRunAccess } from './run-access.ts';
import { StepLambda } from './step-lambda.ts';

export const TRIGGER_FILTER = { prefix: 'runs/', suffix: '/config.json' } as const;

export interface RunTriggerProps {
  readonly bucket: s3.Bucket;
  readonly stateMachine: sfn.IStateMachine;
}

export class RunTrigger extends Construct {
  readonly function: StepLambda;

  constructor(scope: Construct, id: string, props: RunTriggerProps) {
    super(scope, id);
    this.function = new StepLambda(this, 'Trigger', {
      name: 'trigger',
      description: 'mtlc: validates an uploaded run config and starts its execution',
      memoryMiB: 512,
      timeout: Duration.seconds(30),
      environment: { BUCKET_NAME: props.bucket.bucketName, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
    });
    const fn = this.function.fn;
    grantRunAccess(this, props.bucket, fn, { read: ['runs/*/config.json'], write: ['runs/*/status.json'] });
    props.stateMachine.grantStartExecution(fn);
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { ...TRIGGER_FILTER });

  }
}
