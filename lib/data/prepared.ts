// The prepared data set the pipeline passes from Plan to the trainers, and its compact serialisation.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ExcludedTask, FeatureMatrix, LabelMatrix, TaskSummary } from '../types.ts';
import type { TieRule } from './binarize.ts';
import { InputError } from '../errors.ts';

export type FeatureSource = { kind: 'ecfp'; radius: number; nBits: number } | { kind: 'file'; file: string; columns: string[] };

/**
 * Selected tasks only; row r of labels, features and smiles is the same compound, and every row has
 * at least one label in a selected task.
 */
export interface PreparedDataset {
  name: string;
  labels: LabelMatrix;
  smiles: string[] | undefined;
  features: FeatureMatrix;
  featureSource: FeatureSource;
  summary: TaskSummary[];
  excluded: ExcludedTask[];
  invalidSmiles: { compoundId: string; smiles: string }[];
  notes: string[];
  /** null when the labels were given as 0/1. */
  threshold: number | null;
  tie: TieRule;
}

type Typed = Int8Array | Int32Array | Float32Array;

function b64(a: Typed): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Typed>(s: string, make: (buf: ArrayBuffer) => T): T {
  const bytes = Buffer.from(s, 'base64');
  // Copy into a fresh ArrayBuffer: Buffer's pool offset may not be aligned for 4-byte arrays.
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

const FORMAT = 'mtlc-prepared-v1';

/** Gzipped JSON with the typed arrays in base64 (little-endian, as every supported platform is). */
export function serializePrepared(p: PreparedDataset): Uint8Array {
  const features =
    p.features.kind === 'sparse'
      ? { kind: 'sparse', dim: p.features.dim, offsets: b64(p.features.offsets), indices: b64(p.features.indices) }
      : { kind: 'dense', dim: p.features.dim, values: b64(p.features.values) };
  const doc = {
    format: FORMAT,
    ...p,
    labels: { compoundIds: p.labels.compoundIds, tasks: p.labels.tasks, labels: b64(p.labels.labels) },
    features,
  };
  return new Uint8Array(gzipSync(JSON.stringify(doc)));
}

/** Inverse of serializePrepared; also accepts the plain JSON text. */
export function deserializePrepared(data: Uint8Array | string): PreparedDataset {
  let text: string;
  if (typeof data === 'string') text = data;
  else {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    text = (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
  }
  const doc = JSON.parse(text);
  if (doc?.format !== FORMAT) throw new InputError({ file: 'prepared data set' }, `not a serialised prepared data set (format '${doc?.format}', expected '${FORMAT}')`);
  const f = doc.features;
  const features: FeatureMatrix =
    f.kind === 'sparse'
      ? { kind: 'sparse', dim: f.dim, offsets: fromB64(f.offsets, (b) => new Int32Array(b)), indices: fromB64(f.indices, (b) => new Int32Array(b)) }
      : { kind: 'dense', dim: f.dim, values: fromB64(f.values, (b) => new Float32Array(b)) };
  return {
    name: doc.name,
    labels: { compoundIds: doc.labels.compoundIds, tasks: doc.labels.tasks, labels: fromB64(doc.labels.labels, (b) => new Int8Array(b)) },
    smiles: doc.smiles ?? undefined,
    features,
    featureSource: doc.featureSource,
    summary: doc.summary,
    excluded: doc.excluded,
    invalidSmiles: doc.invalidSmiles,
    notes: doc.notes,
    threshold: doc.threshold,
    tie: doc.tie,
  };
}
