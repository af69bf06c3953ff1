// Identifiers that name keys and files of a run and items of the state machine: one rule, several lengths.
// A letter or digit, then letters, digits, '.', '_' or '-' (safe in an S3 key, a file name and an execution input).
import { createHash } from 'node:crypto';

/** The pattern of an id of at most `max` characters. */
const idOf = (max: number) => new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${max - 1}}$`);

/** The characters an id may hold, for messages. */
export const ID_CHARACTERS = 'A-Z a-z 0-9 . _ -';

/** A run id (README "A study configuration"). */
export const RUN_ID = idOf(80);
export const RUN_ID_RULE = `1-80 characters of ${ID_CHARACTERS} (starting with a letter or digit)`;

/** A point id (lib/design pointId: `<split>-f<fold>-s<seed>-k<tasks>-<16 hex>`). */
export const POINT_ID = idOf(200);

/** A fit shard id (lib/transfer/fit/shards.ts shardIdOf: `<split>.<task or slug>`). */
export const SHARD_ID = idOf(120);

/** A task id used as it is inside a shard id; others are slugged and hashed. */
export const SHARD_TASK = idOf(64);

/**
 * A name made to follow the id rule: each run of other characters becomes `fill`, what an id cannot start with is
 * dropped, at most `max` characters are kept; then '-' and the first `hexDigits` of sha256(name), so that two names
 * that read alike (`a b`, `a-b`, two all-non-ASCII names) never share an id. When nothing readable is left, `fallback`
 * (or nothing) stands before the hash.
 */
export function idFromName(name: string, options: { fill: string; max: number; hexDigits: number; fallback?: string }): string {
  const readable = name.replace(/[^A-Za-z0-9._-]+/g, options.fill).replace(/^[^A-Za-z0-9]+/, '').slice(0, options.max) || options.fallback;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, options.hexDigits);
  return readable ? `${readable}-${hash}` : hash;
}

/**
 * A file of a run named in its config (dataset.labels, dataset.features): segments of letters, digits, '.', '_' and
 * '-', each starting with a letter, digit or '_' (so never '.' or '..'), joined by '/'.
 */
export const RUN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
