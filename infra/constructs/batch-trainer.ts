// The Batch trainer: a container that trains batches of points, a compute environment that scales to zero, a
// job queue and a job definition. The compute is a deploy-time choice (docs/aws.md, "Compute: GPU or CPU"):
// 'gpu' — managed EC2 GPU instances (g4dn/g5 on the AL2023 NVIDIA AMI), the CUDA image of
// functions/trainer/Dockerfile, and a trainer that fails when the GPU backend does not load; 'cpu' — Fargate
// (Spot with -c spot=true), the slim image of functions/trainer/cpu.Dockerfile, one vCPU a job (the trainer is one
// thread). `cdk synth` only stages the image (no Docker); `cdk deploy` builds and pushes it.
import { Duration, IgnoreMode, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
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

/** Where training runs: GPU instances (the design's default) or Fargate CPUs. */
export type TrainerCompute = 'gpu' | 'cpu';

export interface BatchTrainerProps {
  readonly bucket: s3.IBucket;
  /** Default 'gpu'. */
  readonly compute?: TrainerCompute;
  /** Defaults to a new VPC with public subnets only: no NAT gateway, so nothing is billed while idle. */
  readonly vpc?: ec2.IVpc;
  /** GPU instance types ('gpu' only); default g4dn.xlarge and g5.xlarge (1 GPU each). */
  readonly instanceTypes?: ec2.InstanceType[];
  /**
   * Use Spot capacity (EC2 Spot or Fargate Spot: cheaper, may be reclaimed). A job on a reclaimed EC2 Spot instance is
   * retried; a Fargate Spot interruption ends the job as failed (its points are retrained by a re-upload). Default false.
   */
  readonly spot?: boolean;
  /** Upper bound of the compute environment; minvCpus is always 0. */
  readonly maxvCpus?: number;
  /** Wall-clock limit of one training job (a batch of points). */
  readonly jobTimeout?: Duration;
  /**
   * How long a job may wait RUNNABLE at the head of the queue for capacity (an instance-capacity shortage, a zero
   * G-family vCPU quota, or no instance type that fits) before Batch cancels it, so that the run fails with a reason
   * instead of waiting for a day. Default 30 minutes (Batch allows 10 minutes to 24 hours).
   */
  readonly capacityTimeout?: Duration;
}

export class BatchTrainer extends Construct {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  readonly jobRole: iam.Role;

  readonly compute: TrainerCompute;

  constructor(scope: Construct, id: string, props: BatchTrainerProps) {
    super(scope, id);
    this.compute = props.compute ?? 'gpu';
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
      description: `mtlc ${this.compute.toUpperCase()} trainer: outbound only (ECR, S3)`,
      allowAllOutbound: true,
    });

    const computeEnvironment =
      this.compute === 'gpu'
        ? new batch.ManagedEc2EcsComputeEnvironment(this, 'Compute', {
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
          })
        : new batch.FargateComputeEnvironment(this, 'Compute', {
            vpc,
            vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
            securityGroups: [securityGroup],
            maxvCpus: props.maxvCpus ?? 64,
            spot: props.spot ?? false,
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
    // The image is built for x86_64 whatever machine deploys it (an arm64 laptop would otherwise build arm64).
    const image = ecs.ContainerImage.fromAsset(repoRoot, {
      file: this.compute === 'gpu' ? 'functions/trainer/Dockerfile' : 'functions/trainer/cpu.Dockerfile',
      platform: Platform.LINUX_AMD64,
      ignoreMode: IgnoreMode.DOCKER,
      // The image needs only the sources and the lock file; everything else stays out of the context.
      exclude: ['*', '!package.json', '!package-lock.json', '!tsconfig.json', '!bin', '!lib', '!functions', 'functions/**/node_modules'],
    });
    const environment = { BUCKET_NAME: props.bucket.bucketName, MTLC_CACHE_DIR: '/tmp/mtlc-cache' };
    const common = { image, command: TRAINER_COMMAND, jobRole: this.jobRole, logging: ecs.LogDriver.awsLogs({ streamPrefix: 'trainer', logGroup }) };
    const container =
      this.compute === 'gpu'
        ? new batch.EcsEc2ContainerDefinition(this, 'Container', {
            ...common,
            cpu: 4,
            memory: Size.gibibytes(14),
            gpu: 1,
            // A GPU paid for must be used: the trainer fails, naming why, when tfjs-node-gpu does not load.
            environment: { ...environment, MTLC_REQUIRE_DEVICE: 'gpu' },
          })
        : new batch.EcsFargateContainerDefinition(this, 'Container', {
            ...common,
            // One vCPU: the trainer is one thread (tfjs-wasm). A KIBA top-8 trainer peaks at ~0.9 GiB resident; the
            // prepared data of all 229 targets is larger, so the most one vCPU may have.
            cpu: 1,
            memory: Size.gibibytes(8),
            environment,
            // Public subnets and no NAT: the task needs a public address to reach ECR and S3.
            assignPublicIp: true,
            fargatePlatformVersion: ecs.FargatePlatformVersion.LATEST,
          });
    this.jobDefinition = new batch.EcsJobDefinition(this, 'JobDef', {
      container,
      parameters: { runId: 'unset', points: '[]' },
      retryAttempts: 3,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.NON_ZERO_EXIT_CODE),
      ],
      timeout: props.jobTimeout ?? Duration.hours(4),
    });

    acknowledge(this, { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'The execution role needs ecr:GetAuthorizationToken, which has no resource-level permissions.' });
    if (this.compute === 'gpu') {
      acknowledge(this, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
        reason: 'The instance role AWS Batch documents for ECS-managed EC2 compute environments.',
      });
    }
  }
}
