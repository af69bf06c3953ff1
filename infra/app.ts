// The CDK app (cdk.json "app": `npx tsx infra/app.ts`). `npx cdk synth` works offline: Lambdas bundle with
// local esbuild and the trainer image is only staged (Docker is needed only by `cdk deploy`).
import { App } from 'aws-cdk-lib';
import { buildApp } from './build.ts';

const app = new App();
buildApp(app);
app.synth();
