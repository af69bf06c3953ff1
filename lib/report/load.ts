// Reads everything the report needs from a run's files in a store: config.json, prepared/dataset.json, results/*.json.
import { version as vegaVersion } from 'vega';
import { version as vegaLiteVersion } from 'vega-lite';
import mtlcPackage from '../../package.json' with { type: 'json' };
import { parseRunConfigText } from '../config.ts';
import { InputError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { z } from 'zod';
import { StoredCurves, StoredTransfer } from '../documents.ts';
import type { TransferFile } from '../results.ts';
import { readChecked } from '../storage/checked.ts';
import type { ObjectStore } from '../storage/port.ts';
import type { ExcludedTask, TaskSummary } from '../types.ts';
import type { ReportDataset, ReportEnvironment, ReportInput } from './types.ts';

/** A document the report reads, checked (lib/storage/checked.ts: JSON or gzipped JSON); missing, an error saying what it is. */
async function readDocument<T>(store: ObjectStore, key: string, schema: z.ZodType<T>, what: string): Promise<T> {
  const doc = await readChecked(store, key, schema);
  if (doc === undefined) throw new InputError({ file: store.describe(key) }, `missing: ${what}`);
  return doc;
}

/** A JSON object whose fields the reader checks itself (the data-set summary, the run environment). */
const JsonObject = z.record(z.string(), z.unknown());

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
  const configBytes = await store.get(layout.config);
  if (configBytes === undefined) throw new InputError({ file: store.describe(layout.config) }, "missing: the run's configuration");
  const config = parseRunConfigText(Buffer.from(configBytes).toString('utf8'), store.describe(layout.config));
  const curves = await readDocument(store, layout.curves, StoredCurves, 'curves.json (written by the Fit step; has the run finished?)');
  const transfer = await readDocument(store, layout.transfer, StoredTransfer, 'transfer.json (written by the Transfer step; has the run finished?)');
  const datasetDoc = (await store.exists(layout.dataset)) ? await readDocument(store, layout.dataset, JsonObject, 'the prepared data set') : {};
  const dataset = datasetFromDocument(datasetDoc, store.describe(layout.dataset), config.dataset.name);
  if (!(await store.exists(layout.dataset))) dataset.notes.unshift(`${store.describe(layout.dataset)} was not found: the data-set summary is missing from this report.`);
  const envKey = `${layout.prepared}environment.json`;
  const recorded = (await store.exists(envKey)) ? (((await readDocument(store, envKey, JsonObject, 'the run environment')) as Partial<ReportEnvironment>)) : {};
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
