// cdk-nag 3 glue. Rules are acknowledged with CDK's own Validations API (exact ids; IAM5 findings one by one),
// always with a reason. cdk-nag is CommonJS whose names Node's ESM loader cannot see: take them from the default export.
import { Validations } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const { AwsSolutionsChecks } = nag;

export interface NagAck {
  /** e.g. 'AwsSolutions-L1', or one finding: 'AwsSolutions-IAM5[Resource::<Bucket.Arn>/runs/*]'. */
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges rules on a construct and everything below it. */
export function acknowledge(scope: IConstruct, ...acks: NagAck[]): void {
  for (const ack of acks) {
    if (!ack.reason.trim()) throw new Error(`cdk-nag acknowledgement ${ack.id} needs a reason`);
  }
  Validations.of(scope).acknowledge(...acks);
}

/** The same reason for several findings of one rule (IAM5 reports each wildcard separately). */
export function acknowledgeFindings(scope: IConstruct, rule: string, findings: string[], reason: string): void {
  acknowledge(scope, ...findings.map((f) => ({ id: `${rule}[${f}]`, reason })));
}
