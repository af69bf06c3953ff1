// The embedded S3 for local runs: s3rver storing under <dir>/s3, reached with the ordinary AWS SDK client
// (path-style), so every step talks to "S3" exactly as on AWS. Its notification records feed the trigger.
import { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import path from 'node:path';
import S3rver from 's3rver';
import type { ObjectStore } from '../../lib/storage/port.ts';
import { S3Store } from '../../lib/storage/s3.ts';

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

/** The parts of s3rver's FilesystemStore this module hardens. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: unknown }): Promise<{ size: number; md5: string }>;
  listObjects(bucket: string, options: { maxKeys?: number; [k: string]: unknown }): Promise<unknown>;
}

async function readAll(content: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * S3 replaces an object atomically; s3rver truncates the file in place and answers before the bytes are on disk,
 * so two writers of one key (e.g. status.json) or a reader racing a writer can see a mix. Writes here go to a
 * temporary file that is renamed over the object, and reads and writes of one key take turns.
 */
function makeWritesAtomic(store: FilesystemStore): void {
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> => {
    const id = `${bucket}/${key}`;
    const run = (turns.get(id) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    turns.set(id, settled);
    void settled.then(() => turns.get(id) === settled && turns.delete(id));
    return run;
  };
  const getObject = store.getObject.bind(store);
  store.getObject = (bucket, key, options) => inTurn(bucket, key, () => getObject(bucket, key, options));
  store.putObject = (object) =>
    inTurn(object.bucket, object.key, async () => {
      const body = await readAll(object.content);
      const file = store.getResourcePath(object.bucket, object.key, 'object');
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, file);
      const md5 = createHash('md5').update(body).digest('hex');
      await store.putMetadata(object.bucket, object.key, object.metadata, md5);
      return { size: body.length, md5 };
    });
}

/**
 * s3rver answers a listing of more than 1000 keys with a continuation token enciphered with DES, which Node 17+
 * (OpenSSL 3) no longer provides, so the listing fails with InternalError. Locally one page holds every key: the
 * response is then never truncated and needs no token (a study of thousands of points lists in one call).
 */
function listInOnePage(store: FilesystemStore): void {
  const listObjects = store.listObjects.bind(store);
  store.listObjects = (bucket, options) => listObjects(bucket, { ...options, maxKeys: Infinity });
}

/** Metadata files s3rver reads at once. */
const METADATA_READS = 64;

/**
 * s3rver's listing reads the metadata of every listed object at once (two file descriptors each): a run of 27,000
 * points exhausted 20,000 descriptors (EMFILE). Its metadata reads take turns, METADATA_READS at a time.
 */
function boundMetadataReads(store: FilesystemStore): void {
  const getMetadata = store.getMetadata.bind(store);
  let active = 0;
  const waiting: (() => void)[] = [];
  store.getMetadata = async (bucket, key) => {
    // A finishing read hands its slot to the next waiter, so no newcomer slips past the bound.
    if (active >= METADATA_READS) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await getMetadata(bucket, key);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Starts s3rver on a free local port with the bucket under `<dir>/s3`; close() stops it (the data stays). */
export async function openLocalBucket(dir: string): Promise<LocalBucket> {
  const directory = path.resolve(dir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: LOCAL_BUCKET, configs: [] }] });
  makeWritesAtomic(server.store as FilesystemStore);
  listInOnePage(server.store as FilesystemStore);
  boundMetadataReads(server.store as FilesystemStore);
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
