// The run state machine as the local runner executes it: synthesized in-process from infra/ (the same App the
// `cdk` CLI builds), its DefinitionString resolved from CloudFormation intrinsics to concrete local ARNs.
// Nothing here describes the pipeline: states, wiring, retries and job commands all come from the template.
import { App } from 'aws-cdk-lib';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../infra/build.ts';
import { cdkContext } from '../../infra/context.ts';
import type { LambdaLimits } from './lambda-limits.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** What a CloudFormation reference stands for locally. */
export interface LocalBindings {
  /** Physical name of the results bucket. */
  bucket: string;
}

/** Synthesizes the mtlc stack without bundling (the local runner calls handlers in-process) and returns its template. */
export function synthesizeTemplate(): CfnTemplate {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'mtlc-synth-'));
  try {
    // Skipping bundling keeps synthesis to seconds; the definition does not depend on the bundles.
    const app = new App({ outdir, context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = buildApp(app, { nag: false });
    return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The local name of a pipeline function: its MTLC_FUNCTION environment variable (set by infra StepLambda). */
export function functionName(resource: CfnResource): string | undefined {
  const env = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  return typeof env?.MTLC_FUNCTION === 'string' ? env.MTLC_FUNCTION : undefined;
}

export const localLambdaArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:mtlc-${name}`;
export const localJobDefinitionArn = (logicalId: string) => `arn:aws:batch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:job-definition/${logicalId}:1`;
export const localJobQueueArn = (logicalId: string) => `arn:aws:batch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:job-queue/${logicalId}`;

/** Resolves Ref / Fn::GetAtt / Fn::Join of the template to local values; anything else is an error naming it. */
export function makeResolver(template: CfnTemplate, bindings: LocalBindings): (value: unknown) => string {
  const ref = (id: string): string => {
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::Region') return LOCAL_REGION;
    if (id === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    const r = template.Resources[id];
    if (!r) throw new Error(`template reference to unknown resource ${id}`);
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return bindings.bucket;
      case 'AWS::Batch::JobDefinition':
        return localJobDefinitionArn(id);
      case 'AWS::Batch::JobQueue':
        return localJobQueueArn(id);
      case 'AWS::Lambda::Function': {
        const name = functionName(r);
        if (!name) throw new Error(`Lambda ${id} has no MTLC_FUNCTION: the local runner cannot tell which handler it is`);
        return localLambdaArn(name);
      }
      default:
        throw new Error(`no local value for a Ref to ${id} (${r.Type})`);
    }
  };
  const getAtt = (id: string, attr: string): string => {
    const r = template.Resources[id];
    if (!r) throw new Error(`template GetAtt of unknown resource ${id}`);
    if (r.Type === 'AWS::Lambda::Function' && attr === 'Arn') return ref(id);
    if (r.Type === 'AWS::Batch::JobQueue' && attr === 'JobQueueArn') return ref(id);
    if (r.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:aws:s3:::${bindings.bucket}`;
    throw new Error(`no local value for ${id}.${attr} (${r.Type})`);
  };
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.Ref === 'string') return ref(v.Ref);
      if (Array.isArray(v['Fn::GetAtt'])) {
        const [id, attr] = v['Fn::GetAtt'] as [string, string];
        return getAtt(id, attr);
      }
      if (Array.isArray(v['Fn::Join'])) {
        const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
        return parts.map(resolve).join(sep);
      }
    }
    throw new Error(`cannot resolve template value ${JSON.stringify(value).slice(0, 200)}`);
  };
  return resolve;
}

export interface JobDefinitionSpec {
  arn: string;
  /** Container command with Batch's Ref::name placeholders. */
  command: string[];
  /** Default values of the placeholders. */
  parameters: Record<string, string>;
  environment: Record<string, string>;
}

export interface RunMachine {
  /** The Amazon States Language definition, with local ARNs. */
  definition: Record<string, unknown>;
  /** Job definitions by local ARN. */
  jobDefinitions: Map<string, JobDefinitionSpec>;
  /** Names of the pipeline functions, by local ARN. */
  functions: Map<string, string>;
  /** Each pipeline function's Timeout and MemorySize, by name (CloudFormation's defaults: 3 s, 128 MiB). */
  lambdaLimits: Map<string, LambdaLimits>;
  /** The S3 filter of the upload trigger (prefix/suffix) and the events it listens to. */
  trigger: { prefix: string; suffix: string; events: string[] };
  /** The EventBridge rule on this state machine's execution status changes: which statuses, and the function it invokes. */
  executionClosed?: { statuses: string[]; functionName: string };
}

/** Everything the local runner needs from the template. */
export function runMachineFrom(template: CfnTemplate, bindings: LocalBindings): RunMachine {
  const resolve = makeResolver(template, bindings);
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const definition = JSON.parse(resolve(machines[0][1].Properties!.DefinitionString)) as Record<string, unknown>;

  const jobDefinitions = new Map<string, JobDefinitionSpec>();
  for (const [id, r] of resourcesOfType(template, 'AWS::Batch::JobDefinition')) {
    const c = r.Properties!.ContainerProperties as { Command?: string[]; Environment?: { Name: string; Value: unknown }[] };
    const environment: Record<string, string> = {};
    for (const e of c.Environment ?? []) environment[e.Name] = resolve(e.Value);
    jobDefinitions.set(localJobDefinitionArn(id), {
      arn: localJobDefinitionArn(id),
      command: c.Command ?? [],
      parameters: (r.Properties!.Parameters as Record<string, string> | undefined) ?? {},
      environment,
    });
  }

  const functions = new Map<string, string>();
  const lambdaLimits = new Map<string, LambdaLimits>();
  for (const [id, r] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = functionName(r);
    if (!name) continue;
    functions.set(ref(id), name);
    lambdaLimits.set(name, { timeoutSeconds: Number(r.Properties?.Timeout ?? 3), memoryMiB: Number(r.Properties?.MemorySize ?? 128) });
  }
  function ref(id: string): string {
    return resolve({ Ref: id });
  }

  const notifications = resourcesOfType(template, 'Custom::S3BucketNotifications');
  const lambdaConfigs = notifications.flatMap(
    ([, r]) =>
      ((r.Properties!.NotificationConfiguration as { LambdaFunctionConfigurations?: unknown[] }).LambdaFunctionConfigurations ?? []) as {
        Events: string[];
        Filter?: { Key?: { FilterRules?: { Name: string; Value: string }[] } };
      }[],
  );
  if (lambdaConfigs.length !== 1) throw new Error(`expected one S3 → Lambda notification in the template, found ${lambdaConfigs.length}`);
  const rules = lambdaConfigs[0].Filter?.Key?.FilterRules ?? [];
  const rule = (name: string) => rules.find((x) => x.Name.toLowerCase() === name)?.Value ?? '';
  return { definition, jobDefinitions, functions, lambdaLimits, trigger: { prefix: rule('prefix'), suffix: rule('suffix'), events: lambdaConfigs[0].Events }, executionClosed: executionClosedRule(template) };
}

/** The rule that sends aws.states execution status changes to a pipeline function, if the template has one. */
function executionClosedRule(template: CfnTemplate): RunMachine['executionClosed'] {
  for (const [, r] of resourcesOfType(template, 'AWS::Events::Rule')) {
    const pattern = r.Properties?.EventPattern as { source?: string[]; detail?: { status?: string[] } } | undefined;
    if (!pattern?.source?.includes('aws.states')) continue;
    const targets = (r.Properties?.Targets ?? []) as { Arn?: { 'Fn::GetAtt'?: [string, string] } }[];
    const id = targets[0]?.Arn?.['Fn::GetAtt']?.[0];
    const fn = id ? template.Resources[id] : undefined;
    const target = fn ? functionName(fn) : undefined;
    if (target) return { statuses: pattern.detail?.status ?? [], functionName: target };
  }
  return undefined;
}

/** Does an S3 event name (e.g. 'ObjectCreated:Put') match a notification pattern (e.g. 's3:ObjectCreated:*')? */
export function eventMatches(eventName: string, patterns: string[]): boolean {
  const name = `s3:${eventName}`;
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}
