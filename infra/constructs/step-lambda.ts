// One pipeline Lambda: a NodejsFunction bundled locally by esbuild (never Docker), ESM, Node 20, traced,
// with its own log group. WASM/native packages are kept external and copied from the local node_modules.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.ts';

/** Packages that load .wasm or native binaries from their own folder: bundling them would break the lookup. */
const COPIED_PACKAGES = ['@rdkit/rdkit', '@resvg/resvg-js'];
/**
 * resvg's native binary for the Lambda's platform (x86_64 Linux, glibc). npm installs only the deploying machine's
 * own binary, so from macOS or an arm64 machine it is not in node_modules: it is then fetched for Linux x64.
 */
const LAMBDA_NATIVE_PACKAGE = '@resvg/resvg-js-linux-x64-gnu';

/** The version package-lock.json pins for a package (resvg's platform packages are published with resvg-js). */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; optionalDependencies?: Record<string, string> }> };
  const own = lock.packages[`node_modules/${name}`]?.version;
  const pinned = own ?? lock.packages['node_modules/@resvg/resvg-js']?.optionalDependencies?.[name];
  if (!pinned) throw new Error(`package-lock.json pins no version of ${name}: the Report Lambda could not render PNGs`);
  return pinned;
}

/**
 * Shell commands that copy the packages a bundle loads from disk into it, failing the bundling (not the deployed
 * function at run time) when one is missing.
 */
export function copyPackagesCommands(root: string, output: string): string[] {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const copy = (p: string) => `mkdir -p ${q(`${output}/node_modules/${p}`)} && cp -R ${q(path.join(root, 'node_modules', p))}/. ${q(`${output}/node_modules/${p}/`)}`;
  const native = LAMBDA_NATIVE_PACKAGE;
  const version = lockedVersion(native);
  const target = `${output}/node_modules/${native}`;
  return [
    ...COPIED_PACKAGES.map((p) => `if [ -d ${q(path.join(root, 'node_modules', p))} ]; then ${copy(p)}; else echo ${q(`mtlc: ${p} is not installed: run npm ci before cdk synth/deploy`)} >&2; exit 1; fi`),
    `if [ -d ${q(path.join(root, 'node_modules', native))} ]; then ${copy(native)}; else ` +
      `mkdir -p ${q(target)} && (cd ${q(target)} && npm pack --silent ${q(`${native}@${version}`)} >/dev/null && tar -xzf *.tgz --strip-components=1 && rm -f *.tgz) && [ -f ${q(`${target}/package.json`)} ] ` +
      `|| { echo ${q(`mtlc: could not fetch ${native}@${version} (resvg's binary for the Lambda's x86_64 Linux): the Report Lambda would fail to render PNGs`)} >&2; exit 1; }; fi`,
  ];
}
/** Optional native TensorFlow bindings: never present in a Lambda (training runs on Batch). */
const ABSENT_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export interface StepLambdaProps {
  /** Folder name under functions/ (its handler.ts exports `handler`). */
  readonly name: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly memoryMiB?: number;
  readonly timeout?: Duration;
}

export class StepLambda extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: StepLambdaProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: path.join(repoRoot, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      // Node 22: the code is built for Node >= 20, and Lambda's Node 20 runtime is deprecated.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      description: props.description,
      memorySize: props.memoryMiB ?? 1024,
      timeout: props.timeout ?? Duration.minutes(15),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // MTLC_FUNCTION names the handler; the local runner maps the template's Lambdas to handlers by it.
      environment: { NODE_OPTIONS: '--enable-source-maps', MTLC_CACHE_DIR: '/tmp/mtlc-cache', MTLC_FUNCTION: props.name, ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        sourceMap: true,
        externalModules: [...COPIED_PACKAGES, LAMBDA_NATIVE_PACKAGE, ...ABSENT_PACKAGES],
        // ESM bundles have no `require`; CommonJS dependencies inside the bundle still call it.
        banner: "import { createRequire as __mtlcCreateRequire } from 'node:module'; const require = __mtlcCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            ...copyPackagesCommands(repoRoot, output),
            // The report's charts render text with the shipped font (Lambda has no system fonts); lib/report looks beside the handler.
            `mkdir -p "${output}/assets/fonts" && cp -R "${path.join(repoRoot, 'assets', 'fonts')}/." "${output}/assets/fonts/"`,
          ],
        },
      },
    });
    acknowledge(
      this,
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.' },
      { id: 'AwsSolutions-L1', reason: 'Node 22 (LTS) is the newest runtime the project is tested against; the code targets Node >= 20.' },
    );
  }
}
