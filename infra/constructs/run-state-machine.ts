// The run state machine, defined once (docs/results.md, README "What a run produces"). Plan → Distributed Map of Batch `.sync` jobs (each
// trains a batch of pending points, read from S3) → Fit fanned out (PlanFits lists the fit shards → a Map fits each in its own Lambda → MergeFits
// writes curves.json) → Transfer → Report → mark SUCCEEDED; a Catch on every step records the failure.
// `mtlc run` executes this very definition locally (app/local), taken from the synthesized template.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeFindings } from '../nag.ts';
import { MAX_BATCH_INPUT_BYTES } from '../../lib/design/jobs.ts';
import { MAP_RESULTS_PREFIX } from './results-bucket.ts';

/** State names: the local runner overrides Task states by these names. */
export const STATE = {
  plan: 'Plan',
  trainPoints: 'TrainPoints',
  trainPoint: 'TrainPoint',
  planFits: 'PlanFits',
  fitShards: 'FitShards',
  fitShard: 'FitShard',
  mergeFits: 'MergeFits',
  transfer: 'Transfer',
  report: 'Report',
  markSucceeded: 'MarkSucceeded',
  markFailed: 'MarkFailed',
} as const;

/** Errors AWS Batch's API throws when throttled or briefly unavailable: retried with backoff and full jitter. */
export const BATCH_TRANSIENT_ERRORS = ['Batch.AWSBatchException', 'Batch.TooManyRequestsException', 'Batch.ServerException'];

/** Errors of the Lambda service itself (throttling, brief outages), retried with backoff on each fit shard. */
export const LAMBDA_TRANSIENT_ERRORS = ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];

/**
 * Fit shards fitted at once: bounds the Lambda concurrency one run takes (the shard list is K × split kinds). New
 * accounts often have a Lambda concurrency of 10: 8 leaves room for the trigger and the other steps.
 */
export const FIT_SHARD_CONCURRENCY = 8;

/**
 * Throttling retries of a fit shard: 5 s doubling to at most 2 min, 20 attempts — up to ~33 min, ~16 min on average
 * under full jitter: longer than one shard's 15-minute Lambda, so a shard throttled while others hold the account's
 * concurrency waits for a slot.
 */
export const FIT_SHARD_RETRY = { interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 20, maxDelay: Duration.minutes(2) };

/**
 * BatchSubmitJob renders its timeout only as Batch's AttemptDurationSeconds and drops the state's TimeoutSeconds.
 * A state-level timeout bounds the whole job (queueing and Batch retries included) and is what the local runner
 * honours (aws-local-stepfunctions applies 60 s to a Task without one).
 */
class BatchSubmitJobWithStateTimeout extends tasks.BatchSubmitJob {
  constructor(
    scope: Construct,
    id: string,
    private readonly stateTimeout: Duration,
    props: tasks.BatchSubmitJobProps,
  ) {
    super(scope, id, props);
  }

  protected override _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): Record<string, unknown> {
    return { ...(super._renderTask(topLevelQueryLanguage) as Record<string, unknown>), TimeoutSeconds: this.stateTimeout.toSeconds() };
  }
}

export interface RunStateMachineProps {
  readonly bucket: s3.IBucket;
  readonly functions: { plan: lambda.IFunction; fit: lambda.IFunction; transfer: lambda.IFunction; report: lambda.IFunction; status: lambda.IFunction };
  readonly trainer: { jobQueue: batch.IJobQueue; jobDefinition: batch.IJobDefinition };
  /** Upper bound of one point in the state machine: queueing plus every Batch attempt (each attempt has the job definition's timeout). */
  readonly pointTimeout?: Duration;
}

export class RunStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    const { functions: fns } = props;
    const lambdaTimeout = sfn.Timeout.duration(Duration.minutes(15));
    const runIdOnly = sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId') });

    // Every failure lands here: the failing step's name and the error go into status.json, then the execution fails.
    const markFailed = new tasks.LambdaInvoke(this, STATE.markFailed, {
      lambdaFunction: fns.status,
      payloadResponseOnly: true,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        state: 'FAILED',
        step: sfn.JsonPath.stringAt('$.failure.step'),
        error: sfn.JsonPath.objectAt('$.failure.error'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'RunFailed', { errorPath: '$.failure.error.Error', causePath: '$.failure.error.Cause' }));

    /** Catch on a step: keep the input, add {failure: {step, error}} and go to MarkFailed. */
    const catchInto = (step: string) =>
      new sfn.Pass(this, `${step}Failed`, {
        parameters: { step, error: sfn.JsonPath.objectAt('$.caught') },
        resultPath: '$.failure',
      }).next(markFailed);
    const withCatch = <T extends sfn.TaskStateBase | sfn.Map | sfn.DistributedMap>(state: T, step: string): T => {
      state.addCatch(catchInto(step), { errors: ['States.ALL'], resultPath: '$.caught' });
      return state;
    };

    const lambdaStep = (name: string, fn: lambda.IFunction, resultPath: string, payload = runIdOnly) =>
      withCatch(
        new tasks.LambdaInvoke(this, name, { lambdaFunction: fn, payloadResponseOnly: true, payload, resultPath, taskTimeout: lambdaTimeout }),
        name,
      );

    // Plan records the execution in status.json (the trigger's own write may race with it).
    const plan = lambdaStep(STATE.plan, fns.plan, '$.plan', sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), executionArn: sfn.JsonPath.executionId }));

    // One Batch job per batch of pending points: Plan writes their ids to S3, the Map reads them (ItemReader) and
    // groups them (ItemBatcher), so no state carries the list — a plan of any size stays far below 256 KiB.
    const trainPoint = new BatchSubmitJobWithStateTimeout(this, STATE.trainPoint, props.pointTimeout ?? Duration.hours(24), {
      jobName: 'mtlc-train',
      jobQueueArn: props.trainer.jobQueue.jobQueueArn,
      jobDefinitionArn: props.trainer.jobDefinition.jobDefinitionArn,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      // Batch parameters are strings: the batch's ids travel as one JSON list.
      payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.BatchInput.runId'), points: sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.Items')) }),
      // Keep only what identifies the job: the full DescribeJobs answer is kilobytes per job.
      resultSelector: { 'jobId.$': '$.JobId', 'status.$': '$.Status' },
      resultPath: '$.job',
    });
    trainPoint.addRetry({
      errors: BATCH_TRANSIENT_ERRORS,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.minutes(5),
      jitterStrategy: sfn.JitterType.FULL,
    });

    const trainPoints = withCatch(
      new sfn.DistributedMap(this, STATE.trainPoints, {
        itemReader: new sfn.S3JsonItemReader({ bucket: props.bucket, key: sfn.JsonPath.stringAt('$.plan.pendingKey') }),
        itemBatcher: new sfn.ItemBatcher({
          maxItemsPerBatchPath: '$.plan.pointsPerJob',
          maxInputBytesPerBatch: MAX_BATCH_INPUT_BYTES,
          batchInput: { 'runId.$': '$.runId' },
        }),
        maxConcurrencyPath: '$.plan.maxConcurrency',
        toleratedFailurePercentagePath: '$.plan.toleratedFailurePercentage',
        mapExecutionType: sfn.StateMachineType.STANDARD,
        label: 'TrainPoints',
        // Per-job results go to S3, not into the state: the output of thousands of jobs would pass 256 KiB.
        resultWriterV2: new sfn.ResultWriterV2({ bucket: props.bucket, prefix: MAP_RESULTS_PREFIX }),
        resultPath: sfn.JsonPath.DISCARD,
      }),
      STATE.trainPoints,
    );
    trainPoints.itemProcessor(trainPoint);

    // Fit, fanned out so that each Lambda fits one target task's curves (pairwise fits grow as K²; one Lambda for
    // them all would pass 15 minutes at ~20 tasks). All three states run the fit function; `action` says which part.
    const planFits = lambdaStep(STATE.planFits, fns.fit, '$.fits', sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), action: 'list' }));
    const fitShard = new tasks.LambdaInvoke(this, STATE.fitShard, {
      lambdaFunction: fns.fit,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), action: 'shard', shardId: sfn.JsonPath.stringAt('$.shardId') }),
      taskTimeout: lambdaTimeout,
      retryOnServiceExceptions: false,
    });
    fitShard.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, ...FIT_SHARD_RETRY, jitterStrategy: sfn.JitterType.FULL });
    // An inline Map is enough: the items are shard ids (K × split kinds), and each shard writes its own file.
    const fitShards = withCatch(
      new sfn.Map(this, STATE.fitShards, {
        itemsPath: '$.fits.pending',
        itemSelector: { 'runId.$': '$.runId', 'shardId.$': '$$.Map.Item.Value' },
        maxConcurrency: FIT_SHARD_CONCURRENCY,
        resultPath: sfn.JsonPath.DISCARD,
      }),
      STATE.fitShards,
    );
    fitShards.itemProcessor(fitShard);
    const mergeFits = lambdaStep(STATE.mergeFits, fns.fit, '$.fit', sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), action: 'merge' }));
    const transfer = lambdaStep(STATE.transfer, fns.transfer, '$.transfer');
    const report = lambdaStep(STATE.report, fns.report, '$.report');
    const markSucceeded = withCatch(
      new tasks.LambdaInvoke(this, STATE.markSucceeded, {
        lambdaFunction: fns.status,
        payloadResponseOnly: true,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
        payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), state: 'SUCCEEDED' }),
        resultPath: sfn.JsonPath.DISCARD,
      }),
      STATE.markSucceeded,
    );

    const definition = plan.next(trainPoints).next(planFits).next(fitShards).next(mergeFits).next(transfer).next(report).next(markSucceeded).next(new sfn.Succeed(this, 'RunSucceeded'));

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'mtlc run: Plan → TrainPoints (Batch GPU, one job per batch of points) → PlanFits → FitShards (one Lambda per target task) → MergeFits → Transfer → Report',
    });
    const stack = Stack.of(this);
    // A stopped or failed run cancels its Batch jobs: .sync needs TerminateJob on the jobs it submitted (their ids
    // are not known in advance) and DescribeJobs (no resource-level permissions). CDK grants only SubmitJob.
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })] }));
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }));
    const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as import('aws-cdk-lib').CfnElement);
    acknowledgeFindings(
      this,
      'AwsSolutions-IAM5',
      Object.values(fns).map((fn) => `Resource::<${logicalId(fn)}.Arn>:*`),
      'Step Functions invokes the pipeline functions by ARN and by version (<arn>:*); no other function is reachable.',
    );
    acknowledge(
      this,
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing, CloudWatch Logs delivery and batch:DescribeJobs have no resource-level permissions.' },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>:job/*]', reason: 'Cancelling a stopped run\'s Batch jobs (.sync) needs TerminateJob on job ids that are generated at submission.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${logicalId(props.bucket)}>/*]`, reason: 'The Distributed Map (CDK generates the grant) reads its items from runs/<runId>/prepared/pending.json, a key it takes from the state so no narrower resource can be named, and its ResultWriter writes under map-results/.' },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>:job-definition/*]', reason: 'Batch .sync needs SubmitJob on job-definition revisions, which CDK grants as job-definition/*.' },
    );
    // The Distributed Map's permission on its own child executions, whose names are generated per map run.
    const smName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(this.stateMachine)}"}]}]}`;
    acknowledgeFindings(
      this,
      'AwsSolutions-IAM5',
      [
        `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${smName}:*`,
        `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${smName}/${STATE.trainPoints}:*`,
      ],
      'The Distributed Map starts and describes child executions of this state machine only; their names are generated per map run.',
    );
  }
}
