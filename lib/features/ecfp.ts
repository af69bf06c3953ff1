// ECFP (Morgan) fingerprints from SMILES with RDKit, kept in sparse CSR form.
import type { FeatureMatrix } from '../types.ts';
import { withMol, type RDKit } from './rdkit.ts';

export interface EcfpOptions {
  radius: number;
  nBits: number;
}

export interface EcfpResult {
  /** Row r = smiles[r]; a SMILES RDKit cannot parse gets an empty row and is listed in `invalid`. */
  matrix: Extract<FeatureMatrix, { kind: 'sparse' }>;
  /** Indices into the input of the SMILES RDKit could not parse. */
  invalid: number[];
}

/**
 * Morgan / ECFP bit vectors (Rogers & Hahn 2010): each atom's environment up to `radius` bonds is
 * hashed iteratively (ECFP4 ⇔ radius 2) and folded onto `nBits` bits; bit b of compound r is set when
 * some environment hashes to b (mod nBits). RDKit computes the bits; we keep the set-bit indices:
 * bits of row r are indices[offsets[r] .. offsets[r+1]), ascending.
 */
export function computeEcfp(rdkit: RDKit, smiles: readonly string[], opts: EcfpOptions): EcfpResult {
  const details = JSON.stringify({ radius: opts.radius, nBits: opts.nBits });
  const offsets = new Int32Array(smiles.length + 1);
  let indices = new Int32Array(Math.max(16, smiles.length * 64));
  let used = 0;
  const invalid: number[] = [];
  for (let r = 0; r < smiles.length; r++) {
    // The packed fingerprint: bit i is (bytes[i >> 3] >> (i & 7)) & 1 (least significant bit first).
    const bytes = withMol(rdkit, smiles[r], (mol) => mol.get_morgan_fp_as_uint8array(details) as Uint8Array);
    if (!bytes) invalid.push(r);
    else {
      for (let byte = 0; byte < bytes.length; byte++) {
        let v = bytes[byte];
        while (v !== 0) {
          const bit = byte * 8 + 31 - Math.clz32(v & -v);
          v &= v - 1;
          if (bit >= opts.nBits) continue; // padding of the last byte
          if (used === indices.length) {
            const grown = new Int32Array(indices.length * 2);
            grown.set(indices);
            indices = grown;
          }
          indices[used++] = bit;
        }
      }
    }
    offsets[r + 1] = used;
  }
  return { matrix: { kind: 'sparse', dim: opts.nBits, offsets, indices: indices.slice(0, used) }, invalid };
}

/** Indices of the SMILES RDKit cannot parse (used when features come from a file but SMILES are given). */
export function findInvalidSmiles(rdkit: RDKit, smiles: readonly string[]): number[] {
  const invalid: number[] = [];
  smiles.forEach((s, r) => {
    if (withMol(rdkit, s, () => true) === undefined) invalid.push(r);
  });
  return invalid;
}
