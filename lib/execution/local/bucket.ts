// The embedded S3 for local runs: s3rver storing under <dir>/s3, reached with the ordinary AWS SDK client
// (path-style), so every step talks to "S3" exactly as on AWS. Its notification records feed the trigger.
import { S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import S3rver from 's3rver';
import type { ObjectStore } from '../../storage/port.ts';
import { S3Store } from '../../storage/s3.ts';

export const LOCAL_BUCKET = 'mtlc-local';

/** How another process (a worker) reaches the same embedded S3. */
export interface LocalS3Endpoint {
  endpoint: string;
  bucket: string;
}

export interface LocalBucket extends LocalS3Endpoint {
  store: ObjectStore;
  client: S3Client;
  /** Subscribe to the S3 notification records s3rver emits for each write. */
  onEvent(listener: (event: { Records: unknown[] }) => void): () => void;
  close(): Promise<void>;
}

/** Static credentials: s3rver accepts any; the SDK insists on some. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

export function localStore(at: LocalS3Endpoint): S3Store {
  return new S3Store(at.bucket, localS3Client(at.endpoint));
}

/** Starts s3rver on a free local port with the bucket under `<dir>/s3`; close() stops it (the data stays). */
export async function openLocalBucket(dir: string): Promise<LocalBucket> {
  const directory = path.resolve(dir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: LOCAL_BUCKET, configs: [] }] });
  const address = (await server.run()) as { address: string; port: number };
  const endpoint = `http://${address.address}:${address.port}`;
  const client = localS3Client(endpoint);
  return {
    endpoint,
    bucket: LOCAL_BUCKET,
    client,
    store: new S3Store(LOCAL_BUCKET, client),
    onEvent(listener) {
      server.on('event', listener);
      return () => server.off('event', listener);
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
