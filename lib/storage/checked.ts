// One checked reader for stored documents: every JSON a step reads back is parsed and validated, and a corrupt
// one (truncated by a crash or a full disk, edited by hand) is named by its location instead of failing later.
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { CorruptDocumentError } from '../errors.ts';
import type { ObjectStore } from './port.ts';

export { CorruptDocumentError };

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The document at `key` (JSON, or gzipped JSON) checked against `schema`; undefined when absent. Never throws for bad content. */
export async function checkStored<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<Checked<T> | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : checkBytes(bytes, schema);
}

/** Stored bytes (JSON, or gzipped JSON) checked against `schema`. Never throws for bad content. */
export function checkBytes<T>(bytes: Uint8Array, schema: z.ZodType<T>): Checked<T> {
  let text: string;
  try {
    text = (isGzip(bytes) ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch (err) {
    return { ok: false, reason: `not a whole gzip stream (${bytes.byteLength} bytes; ${(err as Error).message.slice(0, 120)})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${bytes.byteLength} bytes; ${(err as Error).message.slice(0, 120)})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue.path.length ? `field '${issue.path.join('.')}': ` : ''}${issue.message}` };
}

/** The document at `key`, validated; undefined when absent; a CorruptDocumentError naming it when it is not what it should be. */
export async function readChecked<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const checked = await checkStored(store, key, schema);
  if (checked === undefined) return undefined;
  if (!checked.ok) throw new CorruptDocumentError(store.describe(key), key, checked.reason);
  return checked.value;
}
