// The Batch GPU trainer: the container built from functions/trainer/Dockerfile, a managed EC2 compute
// environment of GPU instances that scales to zero, a job queue and a job definition asking for one GPU.
// `cdk synth` only stages the image (no Docker); `cdk deploy` builds and pushes it.
import { Duration, IgnoreMode, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { repoRoot } from '../paths.ts';
import { grantRunAccess } from './run-access.ts';

/** The trainer's command line; Batch substitutes Ref::runId / Ref::points (a JSON list of point ids) from SubmitJob's Parameters. */
export const TRAINER_COMMAND = ['--run-id', 'Ref::runId', '--points', 'Ref::points'];

export interface GpuTrainerProps {
  readonly bucket: s3.IBucket;
  /** Defaults to a new VPC with public subnets only: no NAT gateway, so nothing is billed while idle. */
  readonly vpc?: ec2.IVpc;
  /** GPU instance types; default g4dn.xlarge and g5.xlarge (1 GPU each). */
  readonly instanceTypes?: ec2.InstanceType[];
  /** Use Spot capacity (cheaper, may be reclaimed; reclaimed jobs are retried). Default false. */
  readonly spot?: boolean;
  /** Upper bound of the compute environment; minvCpus is always 0. */
  readonly maxvCpus?: number;
  /** Wall-clock limit of one training job. */
  readonly jobTimeout?: Duration;
  /**
   * How long a job may wait RUNNABLE at the head of the queue for capacity (an instance-capacity shortage, a zero
   * G-family vCPU quota, or no instance type that fits) before Batch cancels it, so that the run fails with a reason
   * instead of waiting for a day. Default 30 minutes (Batch allows 10 minutes to 24 hours).
   */
  readonly capacityTimeout?: Duration;
}

export class GpuTrainer extends Construct {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  readonly jobRole: iam.Role;

  constructor(scope: Construct, id: string, props: GpuTrainerProps) {
    super(scope, id);
    const vpc =
      props.vpc ??
      new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
        gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
        flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
      });

    const securityGroup = new ec2.SecurityGroup(this, 'InstanceSg', {
      vpc,
      description: 'mtlc GPU trainer instances: outbound only (ECR, S3)',
      allowAllOutbound: true,
    });

    const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, 'Compute', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      instanceTypes: props.instanceTypes ?? [new ec2.InstanceType('g4dn.xlarge'), new ec2.InstanceType('g5.xlarge')],
      useOptimalInstanceClasses: false,
      // AL2 ECS AMIs are being retired; the AL2023 GPU AMI carries the NVIDIA driver and container toolkit.
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      minvCpus: 0,
      maxvCpus: props.maxvCpus ?? 64,
      spot: props.spot ?? false,
      allocationStrategy: props.spot ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      replaceComputeEnvironment: false,
    });

    const capacityTimeout = props.capacityTimeout ?? Duration.minutes(30);
    this.jobQueue = new batch.JobQueue(this, 'Queue', {
      computeEnvironments: [{ computeEnvironment, order: 1 }],
      jobStateTimeLimitActions: [
        batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
        batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
        batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
      ].map((reason) => ({ reason, maxTime: capacityTimeout, action: batch.JobStateTimeLimitActionsAction.CANCEL, state: batch.JobStateTimeLimitActionsState.RUNNABLE })),
    });

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'mtlc trainer: reads a run, writes its points',
    });
    grantRunAccess(this, props.bucket, this.jobRole, { read: ['runs/*'], write: ['runs/*/points/*'] });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.jobDefinition = new batch.EcsJobDefinition(this, 'JobDef', {
      container: new batch.EcsEc2ContainerDefinition(this, 'Container', {
        image: ecs.ContainerImage.fromAsset(repoRoot, {
          file: 'functions/trainer/Dockerfile',
          ignoreMode: IgnoreMode.DOCKER,
          // The image needs only the sources and the lock file; everything else stays out of the context.
          exclude: ['*', '!package.json', '!package-lock.json', '!tsconfig.json', '!bin', '!lib', '!functions', 'functions/**/node_modules'],
        }),
        cpu: 4,
        memory: Size.gibibytes(14),
        gpu: 1,
        command: TRAINER_COMMAND,
        // A GPU paid for must be used: the trainer fails, naming why, when tfjs-node-gpu does not load.
        environment: { BUCKET_NAME: props.bucket.bucketName, MTLC_CACHE_DIR: '/tmp/mtlc-cache', MTLC_REQUIRE_DEVICE: 'gpu' },
        jobRole: this.jobRole,
        logging: ecs.LogDriver.awsLogs({ streamPrefix: 'trainer', logGroup }),
      }),
      parameters: { runId: 'unset', points: '[]' },
      retryAttempts: 3,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.NON_ZERO_EXIT_CODE),
      ],
      timeout: props.jobTimeout ?? Duration.hours(4),
    });

    acknowledge(
      this,
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]', reason: 'The instance role AWS Batch documents for ECS-managed EC2 compute environments.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'The execution role needs ecr:GetAuthorizationToken, which has no resource-level permissions.' },
    );
  }
}
