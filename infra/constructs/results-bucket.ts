// The results bucket: every input and output of a run lives here (layout: README "What a run produces"). Private, TLS only,
// encrypted, versioned; scratch prefixes and old versions expire so an idle deployment stores little.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Prefix where the Distributed Map's ResultWriter drops its per-map-run manifests (scratch). */
export const MAP_RESULTS_PREFIX = 'map-results/';
/** Prefix for shared caches (e.g. downloaded data sets); re-creatable, so it expires. */
export const CACHE_PREFIX = 'cache/';

export interface ResultsBucketProps {
  /** Days after which a replaced or deleted object version is removed. */
  readonly noncurrentVersionDays?: number;
  /** Days after which scratch objects (map-results/, cache/) expire. */
  readonly scratchDays?: number;
  /** RETAIN keeps results when the stack is deleted (default); DESTROY is for throw-away test stacks. */
  readonly removalPolicy?: RemovalPolicy;
}

export class ResultsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ResultsBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const scratch = Duration.days(props.scratchDays ?? 14);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'results-bucket/',
      removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'expire-map-results', prefix: MAP_RESULTS_PREFIX, expiration: scratch },
        { id: 'expire-cache', prefix: CACHE_PREFIX, expiration: scratch },
      ],
    });
  }
}
