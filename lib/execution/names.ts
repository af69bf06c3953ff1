// Deterministic execution names: the same upload (key + version or ETag) always maps to the same name,
// so a duplicate S3 delivery cannot start a second run.
import { createHash } from 'node:crypto';

/** Step Functions allows 80 characters; we keep to [A-Za-z0-9_-] so CloudWatch log names stay valid too. */
export const EXECUTION_NAME_MAX = 80;

/**
 * name = <runId, unsafe characters as '_', cut to fit> + '-' + first 16 hex of sha256(key '@' versionId|eTag).
 * The hash carries the identity; the run id prefix is only there for humans.
 */
export function executionNameFor(runId: string, key: string, versionOrEtag: string): string {
  const hash = createHash('sha256').update(`${key}@${versionOrEtag}`).digest('hex').slice(0, 16);
  const readable = runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, EXECUTION_NAME_MAX - hash.length - 1);
  return `${readable}-${hash}`;
}
