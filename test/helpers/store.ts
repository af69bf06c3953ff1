// Tests look into stored documents without the schema a step reads them with (lib/documents.ts): that is what they check.
import type { ObjectStore } from '../../lib/storage/port.ts';

/** The JSON document at `key`, unchecked; undefined when absent. */
export async function storedJson<T = unknown>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}
