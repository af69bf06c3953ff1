// On-disk cache of ECFP matrices, keyed by the exact SMILES list, radius, bit count and RDKit version,
// so a second study on the same data set skips the fingerprinting.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeEcfp, type EcfpOptions, type EcfpResult } from './ecfp.ts';
import type { RDKit } from './rdkit.ts';

/** The cache root: an explicit dir, else $MTLC_CACHE_DIR, else ~/.cache/mtlc. */
export function resolveCacheDir(explicit?: string): string {
  return path.resolve(explicit ?? process.env.MTLC_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'mtlc'));
}

export function ecfpCacheKey(smiles: readonly string[], opts: EcfpOptions, rdkitVersion: string): string {
  const h = createHash('sha256');
  h.update(`ecfp v1|rdkit ${rdkitVersion}|radius ${opts.radius}|nBits ${opts.nBits}|n ${smiles.length}\n`);
  for (const s of smiles) h.update(s + '\n');
  return h.digest('hex').slice(0, 32);
}

const MAGIC = 0x4d544c45; // 'MTLE'

function encode(r: EcfpResult): Buffer {
  const { offsets, indices, dim } = r.matrix;
  const head = Int32Array.of(MAGIC, dim, offsets.length - 1, indices.length, r.invalid.length);
  const parts = [head, offsets, indices, Int32Array.from(r.invalid)];
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

function decode(buf: Buffer): EcfpResult | undefined {
  if (buf.byteLength < 20 || buf.byteLength % 4 !== 0) return undefined;
  const all = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const [magic, dim, n, nnz, nInvalid] = all;
  if (magic !== MAGIC || all.length !== 5 + n + 1 + nnz + nInvalid) return undefined;
  const offsets = all.slice(5, 5 + n + 1);
  const indices = all.slice(6 + n, 6 + n + nnz);
  const invalid = Array.from(all.subarray(6 + n + nnz));
  return { matrix: { kind: 'sparse', dim, offsets, indices }, invalid };
}

/**
 * ECFP of `smiles`, read from `<cacheDir>/ecfp/<key>.bin` when present, else computed and stored.
 * An unwritable cache (e.g. a read-only home in a Lambda) only costs the recomputation next time.
 */
export function cachedEcfp(rdkit: RDKit, smiles: readonly string[], opts: EcfpOptions, cacheDir: string): EcfpResult & { cached: boolean } {
  const file = path.join(cacheDir, 'ecfp', `${ecfpCacheKey(smiles, opts, rdkit.version())}.bin`);
  try {
    const hit = decode(readFileSync(file));
    if (hit && hit.matrix.offsets.length === smiles.length + 1) return { ...hit, cached: true };
  } catch {
    // not cached yet
  }
  const result = computeEcfp(rdkit, smiles, opts);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, encode(result));
    renameSync(tmp, file); // atomic: concurrent writers leave one complete file
  } catch {
    // cache is best effort
  }
  return { ...result, cached: false };
}
