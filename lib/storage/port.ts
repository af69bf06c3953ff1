// The storage port: what the pipeline needs of a bucket. Adapters: S3 (AWS and the embedded s3rver) and a folder.
import { CorruptDocumentError } from '../errors.ts';

export interface ObjectStore {
  /** Returns the object's bytes, or undefined when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Keys under a prefix (recursive), sorted. */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** Human-readable location of a key, for messages (s3://bucket/key or a file path). */
  describe(key: string): string;
}

/** The JSON document at `key` (unvalidated: see readChecked for documents with a schema); a corrupt one is named. */
export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (err) {
    throw new CorruptDocumentError(store.describe(key), key, `not valid JSON (${bytes.byteLength} bytes; ${(err as Error).message.slice(0, 120)})`);
  }
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2), 'application/json');
}
