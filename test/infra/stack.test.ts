// CDK assertions on the synthesized stack: what the issue requires of the bucket, trigger, state machine,
// Batch trainer and IAM, plus cdk-nag and asl-validator. One synthesis (bundling skipped) serves every test.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build.ts';
import { cdkContext } from '../../infra/context.ts';
import { AwsSolutionsChecks } from '../../infra/nag.ts';
import { runMachineFrom, type CfnTemplate } from '../../app/local/template.ts';

let app: App;
let template: Template;
let json: CfnTemplate;
let outdir: string;

type State = Record<string, unknown> & { Type: string };

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-infra-test-'));
  app = new App({ outdir, context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = buildApp(app, { nag: false });
  template = Template.fromStack(stack);
  json = template.toJSON() as CfnTemplate;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const machine = () => runMachineFrom(json, { bucket: 'test-bucket' });
const states = () => machine().definition.States as Record<string, State>;

describe('results bucket', () => {
  it('blocks public access, encrypts, versions, and expires scratch data', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: Match.anyValue(), Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'map-results/', ExpirationInDays: Match.anyValue() }),
        ]),
      },
    });
  });

  it('denies every request that is not TLS', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const results = Object.values(policies).filter((p) => JSON.stringify(p).includes('ResultsBucket'));
    expect(results.length).toBeGreaterThan(0);
    for (const p of results) {
      const statements = (p.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter((s) => s.Effect === 'Deny');
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
      );
    }
  });
});

describe('upload trigger', () => {
  it('sends only runs/…/config.json creations to the trigger Lambda', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: Match.anyValue() } },
            LambdaFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TriggerFn'), 'Arn'] },
          },
        ],
      },
    });
    expect(machine().trigger).toEqual({ prefix: 'runs/', suffix: '/config.json', events: ['s3:ObjectCreated:*'] });
  });

  it('may start only the run state machine', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^TriggerFn') } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const start = statements.find((s) => s.Action === 'states:StartExecution');
    expect(start?.Resource).toEqual({ Ref: expect.stringMatching(/^RunsStateMachine/) });
    expect(statements.map((s) => s.Action).flat()).not.toContain('s3:*');
  });
});

describe('state machine', () => {
  it('passes asl-validator with ARN and path checks', () => {
    const result = aslValidator(machine().definition as never, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('runs Plan → TrainPoints → PlanFits → FitShards → MergeFits → Transfer → Report → MarkSucceeded', () => {
    const s = states();
    const order: string[] = [];
    let name: string | undefined = machine().definition.StartAt as string;
    while (name) {
      order.push(name);
      name = s[name].Next as string | undefined;
    }
    expect(order).toEqual(['Plan', 'TrainPoints', 'PlanFits', 'FitShards', 'MergeFits', 'Transfer', 'Report', 'MarkSucceeded', 'RunSucceeded']);
  });

  it('fans out with a Distributed Map that reads the pending point ids from S3 and batches them into jobs, with run-configurable concurrency and failure tolerance', () => {
    const map = states().TrainPoints;
    expect(map.Type).toBe('Map');
    // No state carries the list of points: Plan writes it to S3 and the ItemReader reads it.
    expect(map.ItemsPath).toBeUndefined();
    expect(map.ItemReader).toEqual({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'test-bucket', 'Key.$': '$.plan.pendingKey' } });
    expect(map.ItemBatcher).toEqual({ MaxItemsPerBatchPath: '$.plan.pointsPerJob', MaxInputBytesPerBatch: 16384, BatchInput: { 'runId.$': '$.runId' } });
    expect(map.MaxConcurrencyPath).toBe('$.plan.maxConcurrency');
    expect(map.ToleratedFailurePercentagePath).toBe('$.plan.toleratedFailurePercentage');
    expect((map.ItemProcessor as { ProcessorConfig: unknown }).ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    // The ResultWriterV2 feature flag is on: results go to S3 instead of the state.
    expect(map.ResultWriter).toMatchObject({ Parameters: { Bucket: 'test-bucket', Prefix: 'map-results/' } });
    expect(map.ResultPath).toBeNull();
  });

  it('trains each batch of points with a Batch .sync job retried on Batch throttling with backoff and jitter', () => {
    const processor = states().TrainPoints.ItemProcessor as { States: Record<string, State> };
    const train = processor.States.TrainPoint;
    expect(train.Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect(train.Parameters).toMatchObject({ Parameters: { 'runId.$': '$.BatchInput.runId', 'points.$': 'States.JsonToString($.Items)' } });
    expect(train.TimeoutSeconds).toBeGreaterThan(3600);
    expect(train.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: ['Batch.AWSBatchException', 'Batch.TooManyRequestsException', 'Batch.ServerException'],
        BackoffRate: 2,
        JitterStrategy: 'FULL',
        MaxAttempts: expect.any(Number),
        IntervalSeconds: expect.any(Number),
      }),
    ]);
  });

  it('fans the Fit out: the fit function lists the shards, an inline Map fits each with throttling retries, then merges', () => {
    const s = states();
    const fitArn = [...machine().functions].find(([, name]) => name === 'fit')![0];
    expect(s.PlanFits).toMatchObject({ Type: 'Task', Resource: fitArn, Parameters: { 'runId.$': '$.runId', action: 'list' }, ResultPath: '$.fits' });
    const map = s.FitShards;
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.fits.pending', ItemSelector: { 'runId.$': '$.runId', 'shardId.$': '$$.Map.Item.Value' }, ResultPath: null });
    // Fits a new account's Lambda concurrency of 10, with room for the other functions.
    expect(map.MaxConcurrency).toBeGreaterThan(1);
    expect(map.MaxConcurrency).toBeLessThanOrEqual(8);
    const processor = map.ItemProcessor as { ProcessorConfig?: { Mode?: string }; StartAt: string; States: Record<string, State> };
    expect(processor.ProcessorConfig?.Mode ?? 'INLINE').toBe('INLINE');
    const shard = processor.States[processor.StartAt];
    expect(processor.StartAt).toBe('FitShard');
    expect(shard).toMatchObject({ Type: 'Task', Resource: fitArn, Parameters: { 'runId.$': '$.runId', action: 'shard', 'shardId.$': '$.shardId' }, End: true });
    expect(shard.TimeoutSeconds).toBe(900);
    expect(shard.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']),
        BackoffRate: 2,
        JitterStrategy: 'FULL',
        MaxAttempts: expect.any(Number),
      }),
    ]);
    // The retry budget outlasts one shard (900 s) on average under full jitter (each wait uniform in [0, its delay]),
    // so a throttled shard can wait for a busy one to finish.
    const r = shard.Retry as { IntervalSeconds: number; BackoffRate: number; MaxAttempts: number; MaxDelaySeconds: number }[];
    let longest = 0;
    for (let k = 0; k < r[0].MaxAttempts; k++) longest += Math.min(r[0].IntervalSeconds * r[0].BackoffRate ** k, r[0].MaxDelaySeconds);
    expect(longest / 2).toBeGreaterThan(900);
    expect(s.MergeFits).toMatchObject({ Type: 'Task', Resource: fitArn, Parameters: { 'runId.$': '$.runId', action: 'merge' }, Next: 'Transfer' });
  });

  it('catches every failure of every step into MarkFailed, naming the step', () => {
    const s = states();
    for (const step of ['Plan', 'TrainPoints', 'PlanFits', 'FitShards', 'MergeFits', 'Transfer', 'Report', 'MarkSucceeded']) {
      const catchers = s[step].Catch as { ErrorEquals: string[]; Next: string }[];
      expect(catchers, step).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: `${step}Failed` })]);
      expect(s[`${step}Failed`]).toMatchObject({ Type: 'Pass', Next: 'MarkFailed', Parameters: { step } });
    }
    expect(s.MarkFailed).toMatchObject({ Type: 'Task', Next: 'RunFailed', Parameters: { state: 'FAILED', 'step.$': '$.failure.step' } });
    expect(s.RunFailed.Type).toBe('Fail');
  });

  it('records in status.json every execution that ends FAILED, TIMED_OUT or ABORTED, also where no Catch runs (an EventBridge rule on this state machine → the status Lambda)', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const closed = Object.values(rules).find((r) => (r.Properties as { EventPattern?: { source?: string[] } }).EventPattern?.source?.includes('aws.states'))!;
    expect(closed, 'an aws.states rule').toBeDefined();
    const props = closed.Properties as { EventPattern: { 'detail-type': string[]; detail: { status: string[]; stateMachineArn: unknown[] } }; Targets: { Arn: { 'Fn::GetAtt': string[] } }[] };
    expect(props.EventPattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(props.EventPattern.detail.status.sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
    expect(JSON.stringify(props.EventPattern.detail.stateMachineArn)).toContain('StateMachine');
    const statusFn = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => JSON.stringify(r).includes('records a run finishing'))![0];
    expect(props.Targets.map((t) => t.Arn['Fn::GetAtt'][0])).toEqual([statusFn]);
  });

  it('gives every Task an explicit timeout (the local runner would otherwise apply 60 s)', () => {
    const nested = (name: string) => Object.values((states()[name].ItemProcessor as { States: Record<string, State> }).States);
    const all: State[] = [...Object.values(states()), ...nested('TrainPoints'), ...nested('FitShards')];
    for (const st of all.filter((x) => x.Type === 'Task')) expect(st.TimeoutSeconds, JSON.stringify(st).slice(0, 80)).toBeGreaterThan(0);
  });
});

describe('Batch GPU trainer', () => {
  it('asks for one GPU and passes the run id and the batch of point ids to the trainer', () => {
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'container',
      ContainerProperties: {
        Command: ['--run-id', 'Ref::runId', '--points', 'Ref::points'],
        ResourceRequirements: Match.arrayWith([{ Type: 'GPU', Value: '1' }]),
        Image: Match.anyValue(),
      },
      RetryStrategy: Match.objectLike({ Attempts: 3 }),
    });
  });

  it('uses GPU instances that scale to zero', () => {
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({
        MinvCpus: 0,
        InstanceTypes: ['g4dn.xlarge', 'g5.xlarge'],
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
      }),
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('cancels a job that waits for capacity past 30 minutes, so the run fails with a reason instead of waiting a day', () => {
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      JobStateTimeLimitActions: ['CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY', 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT'].map((Reason) => ({
        Action: 'CANCEL',
        MaxTimeSeconds: 1800,
        Reason,
        State: 'RUNNABLE',
      })),
    });
  });

  it('lets the state machine cancel the Batch jobs of a stopped or failed run (TerminateJob, DescribeJobs)', () => {
    const statements = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties as { PolicyDocument: { Statement: { Action: string | string[] }[] } }).PolicyDocument.Statement)
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(statements).toEqual(expect.arrayContaining(['batch:SubmitJob', 'batch:TerminateJob', 'batch:DescribeJobs']));
  });

  it('lets the job write points and nothing else', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^TrainerJobRole') } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const puts = statements.filter((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(puts).toHaveLength(1);
    expect(JSON.stringify(puts[0].Resource)).toContain('/runs/*/points/*');
    expect(JSON.stringify(statements)).not.toMatch(/"s3:(\*|Put\*|Delete)/);
  });
  it('builds the GPU image for linux/amd64 from the CUDA Dockerfile, whatever machine deploys', () => {
    const assets = JSON.parse(readFileSync(path.join(outdir, 'Mtlc.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { dockerFile: string; platform?: string } }> };
    expect(Object.values(assets.dockerImages).map((d) => d.source)).toEqual([expect.objectContaining({ dockerFile: 'functions/trainer/Dockerfile', platform: 'linux/amd64' })]);
  });
});

describe('Batch CPU trainer (-c compute=cpu)', () => {
  let cpu: Template;
  let cpuOut: string;
  beforeAll(() => {
    cpuOut = mkdtempSync(path.join(os.tmpdir(), 'mtlc-infra-cpu-'));
    const cpuApp = new App({ outdir: cpuOut, context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [], compute: 'cpu', spot: 'true' } });
    cpu = Template.fromStack(buildApp(cpuApp, { nag: false }));
  });
  afterAll(() => rmSync(cpuOut, { recursive: true, force: true }));

  it('trains on Fargate Spot, one vCPU a job, from the slim image, with no GPU and no instances', () => {
    cpu.hasResourceProperties('AWS::Batch::ComputeEnvironment', { Type: 'managed', ComputeResources: Match.objectLike({ Type: 'FARGATE_SPOT', MaxvCpus: 64 }) });
    cpu.hasResourceProperties('AWS::Batch::JobDefinition', {
      PlatformCapabilities: ['FARGATE'],
      ContainerProperties: Match.objectLike({
        Command: ['--run-id', 'Ref::runId', '--points', 'Ref::points'],
        ResourceRequirements: [
          { Type: 'MEMORY', Value: '8192' },
          { Type: 'VCPU', Value: '1' },
        ],
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
      }),
    });
    const defs = Object.values(cpu.findResources('AWS::Batch::JobDefinition'));
    expect(JSON.stringify(defs)).not.toContain('MTLC_REQUIRE_DEVICE');
    cpu.resourceCountIs('AWS::EC2::NatGateway', 0);
    const assets = JSON.parse(readFileSync(path.join(cpuOut, 'Mtlc.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { dockerFile: string; platform?: string } }> };
    expect(Object.values(assets.dockerImages).map((d) => d.source)).toEqual([expect.objectContaining({ dockerFile: 'functions/trainer/cpu.Dockerfile', platform: 'linux/amd64' })]);
  });

  it('keeps the same state machine: the same jobs of batches of points, the same guards', () => {
    cpu.hasResourceProperties('AWS::Batch::JobQueue', { JobStateTimeLimitActions: Match.arrayWith([Match.objectLike({ Action: 'CANCEL', State: 'RUNNABLE' })]) });
    const definition = runMachineFrom(cpu.toJSON() as CfnTemplate, { bucket: 'b' }).definition.States as Record<string, State>;
    expect(definition.TrainPoints.ItemBatcher).toMatchObject({ MaxItemsPerBatchPath: '$.plan.pointsPerJob' });
  });

  it('passes cdk-nag AwsSolutions with the CPU trainer too', () => {
    const nagApp = new App({ context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [], compute: 'cpu' } });
    buildApp(nagApp, { nag: false });
    const report = new AwsSolutionsChecks().validateScope(nagApp);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('least privilege', () => {
  it('scopes every step Lambda\'s writes to its own prefixes', () => {
    const writesOf = (prefix: string) => {
      const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp(`^${prefix}`) } });
      return Object.values(policies)
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Put')))
        .map((s) => JSON.stringify(s.Resource));
    };
    expect(writesOf('PlanFn').join()).toMatch(/runs\/\*\/prepared\/\*.*runs\/\*\/status\.json/);
    expect(writesOf('FitFn').join()).toMatch(/runs\/\*\/results\/\*/);
    expect(writesOf('FitFn').join()).not.toMatch(/points|prepared/);
    expect(writesOf('StatusFn').join()).not.toMatch(/results|points|prepared/);
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement explained', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acks = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) for (const [id, reason] of Object.entries(a)) expect(reason.length, id).toBeGreaterThan(20);
  });
});
