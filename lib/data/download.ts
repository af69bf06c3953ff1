// The real download of the built-in data sets from the public source (DeepDTA's raw text files at a
// pinned commit), verified by SHA-256 and converted to the long format the loader reads.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MtlcError } from '../errors.ts';
import type { BuiltinName } from './builtin.ts';

export const DEEPDTA_COMMIT = 'a546a8433a6822e958f36171c4356ad6f414d623';
export const DEFAULT_DEEPDTA_BASE_URL = `https://raw.githubusercontent.com/hkmztrk/DeepDTA/${DEEPDTA_COMMIT}`;

/** A download or conversion that failed: says which URL and why. */
export class DownloadError extends MtlcError {}

interface SourceFile {
  path: string;
  sha256: string;
}

interface Source {
  matrix: SourceFile;
  ligandsCan: SourceFile;
  ligandsIso: SourceFile;
  proteins: SourceFile;
  /** KIBA: tab-separated scores, `nan` = not measured. Davis: space-separated Kd in nM. */
  separator: RegExp;
}

// SHA-256 of the files at DEEPDTA_COMMIT (ligand and protein hashes as listed in ../shared/data/README.md).
export const SOURCES: Record<BuiltinName, Source> = {
  kiba: {
    matrix: { path: 'data/kiba/kiba_binding_affinity_v2.txt', sha256: '0b062d3f51e80b63acda95bcc6364cacafa744d1dcd2d97293ccc878540b5732' },
    ligandsCan: { path: 'data/kiba/ligands_can.txt', sha256: 'a95797abaf31b17bd2471dbf3e3476f588d5a79797903cc156528f66e55c963b' },
    ligandsIso: { path: 'data/kiba/ligands_iso.txt', sha256: 'b141f83ca38af4bf53c6bb70cd466e8bdf4fd175d52102ebc41f15a986df9012' },
    proteins: { path: 'data/kiba/proteins.txt', sha256: '2ba9dbc2959d88b0740aaf28828c4c611c2dbd1c2019547eb2ec1c3daa192604' },
    separator: /\t/,
  },
  davis: {
    matrix: {
      path: 'data/davis/drug-target_interaction_affinities_Kd__Davis_et_al.2011v1.txt',
      sha256: 'e2c3d003d49aff61f70be24feafd8d084b0df9404d919338088855828e252d88',
    },
    ligandsCan: { path: 'data/davis/ligands_can.txt', sha256: '141094d99510a52091d2ea1b05be7c1f66b2c5fcaeeeb261eaf4cbf2128bde6d' },
    ligandsIso: { path: 'data/davis/ligands_iso.txt', sha256: '58b3cd168ed12962eb856e4e4e5dab1abbd42d6c0912eed2b9987bf578c7fafd' },
    proteins: { path: 'data/davis/proteins.txt', sha256: '187cedeee10cd3b58af915a2861a5ed0c4ff42a2d728f4dea5e0b47e3d75b291' },
    separator: / +/,
  },
};

/** The base URL: an explicit one, else $MTLC_DEEPDTA_BASE_URL, else GitHub raw at the pinned commit. */
export function deepdtaBaseUrl(explicit?: string): string {
  return (explicit ?? process.env.MTLC_DEEPDTA_BASE_URL ?? DEFAULT_DEEPDTA_BASE_URL).replace(/\/+$/, '');
}

/** GET with up to 3 attempts on network errors and 5xx answers (a 4xx is final). */
async function fetchBytes(url: string): Promise<Buffer> {
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(url);
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      last = `HTTP ${res.status} ${res.statusText}`;
      if (res.status < 500) break;
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      last = `${(err as Error).message}${cause ? ` (${cause.message})` : ''}`;
    }
    if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
  throw new DownloadError(`cannot download ${url}: ${last}`);
}

async function fetchVerified(baseUrl: string, file: SourceFile): Promise<string> {
  const url = `${baseUrl}/${file.path}`;
  const bytes = await fetchBytes(url);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== file.sha256) {
    throw new DownloadError(`${url}: content differs from DeepDTA commit ${DEEPDTA_COMMIT} (sha256 ${actual}, expected ${file.sha256})`);
  }
  return bytes.toString('utf8');
}

/**
 * The entries of a flat JSON object of strings, in file order. JSON.parse would reorder integer-like
 * keys (Davis compound ids are PubChem CIDs), and the order is what aligns ids with matrix rows.
 */
export function orderedJsonEntries(text: string, source: string): [string, string][] {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const entries: [string, string][] = [];
  const pair = /"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(pair)) entries.push([JSON.parse(`"${m[1]}"`) as string, JSON.parse(`"${m[2]}"`) as string]);
  const keys = Object.keys(parsed);
  if (entries.length !== keys.length || entries.some(([k, v]) => parsed[k] !== v)) {
    throw new DownloadError(`${source}: expected a flat JSON object of strings`);
  }
  return entries;
}

/** Rows × columns of a whitespace-separated matrix; `nan` becomes NaN. Shape checked against the id files. */
export function parseMatrix(text: string, separator: RegExp, rows: number, cols: number, source: string): Float64Array {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== rows) throw new DownloadError(`${source}: expected ${rows} rows (one per compound), got ${lines.length}`);
  const out = new Float64Array(rows * cols);
  lines.forEach((line, r) => {
    const fields = line.trim().split(separator);
    if (fields.length !== cols) throw new DownloadError(`${source}: line ${r + 1} has ${fields.length} values, expected ${cols} (one per target)`);
    fields.forEach((f, c) => {
      const x = f === 'nan' ? NaN : Number(f);
      if (f === '' || (Number.isNaN(x) && f !== 'nan')) throw new DownloadError(`${source}: line ${r + 1}, column ${c + 1}: '${f}' is not a number`);
      out[r * cols + c] = x;
    });
  });
  return out;
}

/** pKd = −log10(Kd / 1e9) for Kd in nM, rounded to 6 decimals (as in ../shared/data). */
export function pKdFromNanomolar(kd: number): number {
  return Math.round((9 - Math.log10(kd)) * 1e6) / 1e6;
}

/** Our CSVs are unquoted (as in ../shared/data): a comma or quote inside a field would corrupt them. */
function csvField(value: string, source: string): string {
  if (/[",\n\r]/.test(value)) throw new DownloadError(`${source}: '${value}' contains a comma, quote or newline`);
  return value;
}

function gz(lines: string[]): Buffer {
  return gzipSync(lines.join('\n') + '\n', { level: 9 });
}

/**
 * Downloads one built-in data set into `destDir` as `<name>.csv.gz`, `<name>_compounds.csv.gz` and
 * `<name>_targets.csv.gz` (the long format of ../shared/data without the `deepdta_fold` column).
 * Files are written under temporary names and renamed at the end, so an interrupted download never
 * leaves a half data set that the loader would accept.
 */
export async function downloadBuiltin(name: BuiltinName, destDir: string, baseUrl?: string): Promise<void> {
  const src = SOURCES[name];
  const base = deepdtaBaseUrl(baseUrl);
  // allSettled, not all: no request is left running after a failure.
  const settled = await Promise.allSettled([src.matrix, src.ligandsCan, src.ligandsIso, src.proteins].map((f) => fetchVerified(base, f)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [matrixText, canText, isoText, protText] = settled.map((r) => (r as PromiseFulfilledResult<string>).value);
  const clean = (entries: [string, string][], source: string): [string, string][] =>
    entries.map(([k, v]) => [csvField(k, source), csvField(v, source)]);
  const ligands = clean(orderedJsonEntries(canText, src.ligandsCan.path), src.ligandsCan.path);
  const iso = new Map(clean(orderedJsonEntries(isoText, src.ligandsIso.path), src.ligandsIso.path));
  const proteins = clean(orderedJsonEntries(protText, src.proteins.path), src.proteins.path);
  const matrix = parseMatrix(matrixText, src.separator, ligands.length, proteins.length, src.matrix.path);

  const long = [name === 'kiba' ? 'compound_id,target_id,kiba_score' : 'compound_id,target_id,kd_nM,pKd'];
  // Row-major over the matrix, like DeepDTA's np.where(~isnan(Y)).
  for (let r = 0; r < ligands.length; r++) {
    for (let c = 0; c < proteins.length; c++) {
      const x = matrix[r * proteins.length + c];
      if (Number.isNaN(x)) continue;
      if (name === 'kiba') long.push(`${ligands[r][0]},${proteins[c][0]},${x}`);
      else {
        if (!(x > 0)) throw new DownloadError(`${src.matrix.path}: line ${r + 1}, column ${c + 1}: Kd must be positive, got ${x}`);
        long.push(`${ligands[r][0]},${proteins[c][0]},${x},${pKdFromNanomolar(x)}`);
      }
    }
  }
  const compounds = ['compound_id,smiles,smiles_isomeric', ...ligands.map(([id, s]) => `${id},${s},${iso.get(id) ?? s}`)];
  const targets = ['target_id,sequence', ...proteins.map(([id, seq]) => `${id},${seq}`)];

  mkdirSync(destDir, { recursive: true });
  const outputs: [string, Buffer][] = [
    [`${name}_targets.csv.gz`, gz(targets)],
    [`${name}_compounds.csv.gz`, gz(compounds)],
    [`${name}.csv.gz`, gz(long)], // last: its presence marks a complete data set
  ];
  const tag = `${process.pid}.${Date.now()}.tmp`;
  try {
    for (const [file, bytes] of outputs) writeFileSync(path.join(destDir, `${file}.${tag}`), bytes);
    for (const [file] of outputs) renameSync(path.join(destDir, `${file}.${tag}`), path.join(destDir, file));
  } catch (err) {
    for (const [file] of outputs) rmSync(path.join(destDir, `${file}.${tag}`), { force: true });
    throw new DownloadError(`cannot write the ${name} data set into ${destDir}: ${(err as Error).message}`);
  }
}
