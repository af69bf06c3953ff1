// The storage port: what the pipeline needs of a bucket. Adapters: S3 (AWS and the embedded s3rver) and a folder.
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

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2), 'application/json');
}
