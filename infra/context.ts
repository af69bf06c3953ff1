// The CDK context the CLI would pass (cdk.json "context" + cdk.context.json), so tests and the local
// runner construct the App exactly as `cdk synth` does (feature flags such as ResultWriterV2 included).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export function cdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const saved = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.context.json'), 'utf8')) as Record<string, unknown>;
  return { ...(cdkJson.context ?? {}), ...saved };
}
