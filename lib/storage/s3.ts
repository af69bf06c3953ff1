// Storage adapter over S3 (AWS, or the embedded s3rver for local runs). The only S3 code in lib/.
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from './port.ts';
import { MtlcError } from '../errors.ts';

/** A write the store refused: says where, and why. */
export class StorageError extends MtlcError {}

export class S3Store implements ObjectStore {
  readonly client: S3Client;
  constructor(
    readonly bucket: string,
    clientOrConfig: S3Client | S3ClientConfig = {},
  ) {
    this.client = clientOrConfig instanceof S3Client ? clientOrConfig : new S3Client(clientOrConfig);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await res.Body!.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (err) {
      // One line that says what could not be written (a full disk under a local bucket, a denied write on AWS).
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      throw new StorageError(`cannot write ${this.describe(key)}: ${e.name ?? 'Error'}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${e.message ?? String(err)}; a local run's bucket fails so when its disk is full`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return false;
      throw err;
    }
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}
