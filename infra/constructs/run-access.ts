// Least-privilege S3 access to runs: GetObject / PutObject on exactly the key patterns a role needs and
// ListBucket only under those prefixes (instead of grantRead's s3:GetBucket*/List*/Abort* wildcards).
// The wildcards that remain are run ids, unknown at deploy time; they are acknowledged to cdk-nag here, once.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { acknowledgeFindings } from '../nag.ts';

export interface RunAccess {
  /** Key patterns the role may read, e.g. 'runs/*'. */
  readonly read?: string[];
  /** Key patterns the role may write, e.g. 'runs/*\/points/*'. */
  readonly write?: string[];
}

/** The key prefix before the first wildcard: what s3:prefix must start with when listing. */
function listPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  return star < 0 ? pattern : pattern.slice(0, star);
}

export function grantRunAccess(scope: IConstruct, bucket: s3.IBucket, grantee: iam.IGrantable, access: RunAccess): void {
  const read = access.read ?? [];
  const write = access.write ?? [];
  if (read.length) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: read.map((p) => bucket.arnForObjects(p)) }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...new Set(read.map((p) => `${listPrefix(p)}*`))] } },
      }),
    );
  }
  if (write.length) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: write.map((p) => bucket.arnForObjects(p)) }),
    );
  }
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket | undefined;
  if (cfnBucket) {
    const logicalId = Stack.of(bucket).getLogicalId(cfnBucket);
    acknowledgeFindings(
      scope,
      'AwsSolutions-IAM5',
      [...read, ...write].map((p) => `Resource::<${logicalId}.Arn>/${p}`),
      'The wildcard stands for run ids, which users choose at upload time; each role gets only the key patterns of its step.',
    );
  }
}
