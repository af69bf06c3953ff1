// What every handler needs from its surroundings. On AWS it comes from the environment (BUCKET_NAME, ...);
// the local runner and `mtlc invoke` pass the embedded S3 instead. Handlers never build clients themselves.
import { S3Store } from '../../lib/storage/s3.ts';
import type { ObjectStore } from '../../lib/storage/port.ts';

export interface HandlerDeps {
  store: ObjectStore;
  dataDir?: string;
  cacheDir?: string;
}

export type DepsProvider = () => HandlerDeps;

let awsDepsCache: HandlerDeps | undefined;

/** Dependencies of a handler deployed on AWS: the results bucket named by BUCKET_NAME. */
export const awsDeps: DepsProvider = () => {
  if (awsDepsCache) return awsDepsCache;
  const bucket = process.env.BUCKET_NAME;
  if (!bucket) throw new Error('BUCKET_NAME is not set: the handler does not know its results bucket');
  awsDepsCache = { store: new S3Store(bucket), dataDir: process.env.MTLC_DATA_DIR, cacheDir: process.env.MTLC_CACHE_DIR };
  return awsDepsCache;
};
