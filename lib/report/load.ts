// Reads everything the report needs from a run's files in a store: config.json, prepared/dataset.json, results/*.json.
import { gunzipSync } from 'node:zlib';
import { version as vegaVersion } from 'vega';
import { version as vegaLiteVersion } from 'vega-lite';
import mtlcPackage from '../../package.json' with { type: 'json' };
import { parseRunConfigText } from '../config.ts';
import { InputError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import type { CurvesFile, TransferFile } from '../results.ts';
import type { ObjectStore } from '../storage/port.ts';
import type { ExcludedTask, TaskSummary } from '../types.ts';
import type { ReportDataset, ReportEnvironment, ReportInput } from './types.ts';

async function readText(store: ObjectStore, key: string, what: string): Promise<string> {
  const bytes = await store.get(key);
  if (bytes === undefined) throw new InputError({ file: store.describe(key) }, `missing: ${what}`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
}

async function readJson(store: ObjectStore, key: string, what: string): Promise<Record<string, unknown>> {
  const text = await readText(store, key, what);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError({ file: store.describe(key) }, `not valid JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError({ file: store.describe(key) }, 'expected a JSON object');
  return doc as Record<string, unknown>;
}

/** Checks that the named fields are arrays (or objects), naming the first that is not. */
function requireFields(doc: Record<string, unknown>, file: string, arrays: string[], objects: string[] = []): void {
  for (const f of arrays) if (!Array.isArray(doc[f])) throw new InputError({ file, column: f }, `expected field '${f}' to be an array, got ${describe(doc[f])}`);
  for (const f of objects) {
    if (!doc[f] || typeof doc[f] !== 'object' || Array.isArray(doc[f])) throw new InputError({ file, column: f }, `expected field '${f}' to be an object, got ${describe(doc[f])}`);
  }
}

const describe = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);

/**
 * The data-set part of the report from prepared/dataset.json: either the serialised PreparedDataset of lib/data
 * (gzipped or plain) or a plain summary document; only name, summary, excluded, invalidSmiles and notes are read.
 */
export function datasetFromDocument(doc: Record<string, unknown>, file: string, fallbackName: string): ReportDataset {
  const summary = (doc.summary ?? doc.tasks ?? []) as TaskSummary[];
  const excluded = (doc.excluded ?? []) as ExcludedTask[];
  if (!Array.isArray(summary)) throw new InputError({ file, column: 'summary' }, `expected an array of task summaries, got ${describe(summary)}`);
  summary.forEach((t, k) => {
    if (typeof t?.task !== 'string' || ![t.labelled, t.positives, t.negatives].every((v) => typeof v === 'number')) {
      throw new InputError({ file, row: k + 1, column: 'summary' }, 'expected {task, labelled, positives, negatives}');
    }
  });
  if (!Array.isArray(excluded)) throw new InputError({ file, column: 'excluded' }, `expected an array of {task, reason}, got ${describe(excluded)}`);
  const invalid = doc.invalidSmiles;
  const invalidSmiles = Array.isArray(invalid) ? invalid.length : typeof invalid === 'number' ? invalid : 0;
  const skippedCompounds = Array.isArray(invalid) ? invalid.map((x) => String((x as { compoundId?: unknown })?.compoundId ?? x)) : [];
  const notes = Array.isArray(doc.notes) ? doc.notes.map(String) : [];
  return { name: typeof doc.name === 'string' ? doc.name : fallbackName, summary, excluded, invalidSmiles, ...(skippedCompounds.length ? { skippedCompounds } : {}), notes };
}

/** Backend and device of the run from the compute-cost records (one value, or the distinct values joined). */
export function environmentFromCost(cost: TransferFile['cost'], recorded: Partial<ReportEnvironment> = {}): ReportEnvironment {
  const distinct = (key: 'backend' | 'device') => [...new Set(Object.values(cost).map((c) => c[key]).filter(Boolean))].join(', ') || 'not recorded';
  return {
    backend: recorded.backend ?? distinct('backend'),
    device: recorded.device ?? distinct('device'),
    versions: { ...reportToolVersions(), ...(recorded.versions ?? {}) },
  };
}

/** Versions of the tools that drew this report (the run's own versions come from prepared/environment.json when it exists). */
function reportToolVersions(): Record<string, string> {
  // Imported, not read from disk: the versions survive bundling into the Report Lambda.
  return {
    'node (report)': process.version,
    'mtlc (report)': mtlcPackage.version,
    'vega (report)': vegaVersion,
    'vega-lite (report)': vegaLiteVersion,
  };
}

export interface LoadOptions {
  /** Time stamp to print; defaults to now. */
  generatedAt?: string;
}

export async function loadReportInput(store: ObjectStore, runId: string, options: LoadOptions = {}): Promise<ReportInput> {
  const layout = runLayout(runId);
  const config = parseRunConfigText(await readText(store, layout.config, "the run's configuration"), store.describe(layout.config));
  const curves = (await readJson(store, layout.curves, 'curves.json (written by the Fit step; has the run finished?)')) as unknown as CurvesFile;
  requireFields(curves as unknown as Record<string, unknown>, store.describe(layout.curves), ['observations', 'fits', 'comparison']);
  const transfer = (await readJson(store, layout.transfer, 'transfer.json (written by the Transfer step; has the run finished?)')) as unknown as TransferFile;
  requireFields(transfer as unknown as Record<string, unknown>, store.describe(layout.transfer), ['singleVsAll', 'contextual', 'pairwise', 'tag', 'lookahead', 'missingPoints'], ['agreement', 'cost']);
  const datasetDoc = (await store.exists(layout.dataset)) ? await readJson(store, layout.dataset, 'the prepared data set') : {};
  const dataset = datasetFromDocument(datasetDoc, store.describe(layout.dataset), config.dataset.name);
  if (!(await store.exists(layout.dataset))) dataset.notes.unshift(`${store.describe(layout.dataset)} was not found: the data-set summary is missing from this report.`);
  const envKey = `${layout.prepared}environment.json`;
  const recorded = (await store.exists(envKey)) ? ((await readJson(store, envKey, 'the run environment')) as Partial<ReportEnvironment>) : {};
  return {
    runId,
    config,
    dataset,
    environment: environmentFromCost(transfer.cost, recorded),
    curves,
    transfer,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
  };
}
