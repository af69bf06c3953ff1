// The Fit step fanned out (so each part fits in one Lambda's 15 minutes): planFitsStep reads the plan and every
// trained point once and writes them, with their hash and the shard ids, into one inputs document; fitShardStep
// reads that document (one GET, whatever the run's size) and fits one shard into results/fits/<shardId>.json;
// mergeFitsStep reads it again and assembles results/curves.json. fitStep runs the three in one process (tools,
// tests, `mtlc invoke fit`).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { StoredFitInputs, StoredFitShard, type FitInputs, type FitShardResult } from '../documents.ts';
import { ComputationError, CorruptDocumentError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { checkBytes, readChecked } from '../storage/checked.ts';
import { putJson } from '../storage/port.ts';
import { fitShard, mergeFits, planShards, type AnalyseInput, type RunFitPlan } from '../transfer/index.ts';
import { analyseInput } from './analyseInput.ts';
import { mapBounded } from './concurrency.ts';
import type { StepContext } from './context.ts';
import { markStatus } from './status.ts';

/** Folder of the fitted shards of a run: intermediate files, merged into results/curves.json. */
export const fitShardsPrefix = (runId: string): string => runLayout(runId).fits;
export const fitShardKey = (runId: string, shardId: string): string => runLayout(runId).fit(shardId);

export interface PlanFitsOutput {
  runId: string;
  /** Every shard of the run, in canonical order. */
  shardsTotal: number;
  /** Ids of the shards still to fit (absent, or fitted from other points): the items of the state machine's fit Map. */
  pending: string[];
}

export interface FitShardOutput {
  shardId: string;
  fits: number;
  failed: number;
  /** true when results/fits/<shardId>.json was already there for the same points (a retry or redrive). */
  skipped: boolean;
}

async function writeFitInputs(ctx: StepContext, doc: FitInputs): Promise<void> {
  await ctx.store.put(runLayout(ctx.runId).fitInputs, gzipSync(JSON.stringify(doc)), 'application/gzip');
}

/**
 * The inputs document this process read last, with its fit plan. The local runner, and a warm Lambda container,
 * fit shard after shard from one document: it is parsed, validated and planned once (K = 229: ~2 s a call) and
 * reused while the stored bytes are the same (their sha256 decides).
 */
let lastRead: { key: string; digest: string; doc: FitInputs; plan?: RunFitPlan } | undefined;

/** The inputs document of the run's Fit step; absent or corrupt, an error that names it and what to do. */
export async function readFitInputs(ctx: StepContext): Promise<FitInputs> {
  return (await readCached(ctx)).doc;
}

async function readCached(ctx: StepContext): Promise<NonNullable<typeof lastRead>> {
  const key = runLayout(ctx.runId).fitInputs;
  const bytes = await ctx.store.get(key);
  if (!bytes) throw new ComputationError(`run '${ctx.runId}' has no fit inputs (${ctx.store.describe(key)}): PlanFits has not run`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (lastRead?.key === key && lastRead.digest === digest) return lastRead;
  const checked = checkBytes(bytes, StoredFitInputs);
  if (!checked.ok) throw new CorruptDocumentError(ctx.store.describe(key), key, `not the Fit step's inputs (${checked.reason.slice(0, 160)}): run the run again (re-upload its config) to rewrite it`);
  lastRead = { key, digest, doc: checked.value };
  return lastRead;
}

/** The inputs document and its fit plan (planned once per document and process). */
async function plannedInputs(ctx: StepContext): Promise<{ doc: FitInputs; plan: RunFitPlan }> {
  const read = await readCached(ctx);
  read.plan ??= planShards(read.doc.input, read.doc.inputs);
  return { doc: read.doc, plan: read.plan };
}

/** A stored shard, if it was fitted from exactly these inputs. */
async function freshShard(ctx: StepContext, shardId: string, inputs: string): Promise<FitShardResult | undefined> {
  const stored = await readChecked(ctx.store, fitShardKey(ctx.runId, shardId), StoredFitShard).catch((err: unknown) => {
    // A corrupt shard (a crash mid-write) is fitted again.
    if (err instanceof CorruptDocumentError) return undefined;
    throw err;
  });
  return stored && stored.inputs === inputs && stored.shardId === shardId ? stored : undefined;
}

/** Records how many points the training Map left behind (the report lists which) as the Fit step starts. */
async function recordFitStart(ctx: StepContext, input: AnalyseInput): Promise<void> {
  const done = new Set(input.results.map((r) => r.id));
  const pointsDone = input.points.filter((p) => done.has(p.id)).length;
  await markStatus(ctx, { state: 'RUNNING', step: 'Fit', progress: { pointsDone, pointsTotal: input.points.length, pointsFailed: input.points.length - pointsDone } });
}

/** The fit shards of a run and which of them still need fitting (a redrive refits only missing or stale shards). */
export async function planFitsStep(ctx: StepContext): Promise<PlanFitsOutput> {
  const input = await analyseInput(ctx);
  await recordFitStart(ctx, input);
  const { shards, inputs } = planShards(input);
  await writeFitInputs(ctx, { inputs, shards: shards.map((s) => s.id), input });
  const fresh = await mapBounded(shards.map((s) => s.id), async (id) => (await freshShard(ctx, id, inputs)) !== undefined);
  return { runId: ctx.runId, shardsTotal: shards.length, pending: shards.filter((_, i) => !fresh[i]).map((s) => s.id) };
}

/** Fits one shard into results/fits/<shardId>.json, unless it is already there for the same points. */
export async function fitShardStep(ctx: StepContext & { shardId: string }): Promise<FitShardOutput> {
  const { doc, plan } = await plannedInputs(ctx);
  const stored = await freshShard(ctx, ctx.shardId, doc.inputs);
  if (stored) return { shardId: ctx.shardId, fits: stored.fits.length, failed: stored.failed.length, skipped: true };
  const result = fitShard(doc.input, plan, ctx.shardId);
  await putJson(ctx.store, fitShardKey(ctx.runId, ctx.shardId), result);
  return { shardId: ctx.shardId, fits: result.fits.length, failed: result.failed.length, skipped: false };
}

/** results/curves.json from every shard of the run; a missing shard file is an error naming the shard ids. */
export async function mergeFitsStep(ctx: StepContext): Promise<{ fits: number; failed: number; shards: number }> {
  const { doc, plan } = await plannedInputs(ctx);
  const stored = await mapBounded(doc.shards, (id) => readChecked(ctx.store, fitShardKey(ctx.runId, id), StoredFitShard));
  // mergeFits names the shards that are missing (or stale, unknown, given twice).
  const curves = mergeFits(doc.input, plan, stored.filter((s): s is FitShardResult => s !== undefined));
  await putJson(ctx.store, runLayout(ctx.runId).curves, curves);
  return { fits: curves.fits.length, failed: curves.fits.filter((f) => f.status === 'failed').length, shards: doc.shards.length };
}

/** The whole Fit step in one process: list the shards, fit the pending ones, merge them into curves.json. */
export async function fitStep(ctx: StepContext): Promise<{ fits: number; failed: number }> {
  const { pending } = await planFitsStep(ctx);
  for (const shardId of pending) await fitShardStep({ ...ctx, shardId });
  const { fits, failed } = await mergeFitsStep(ctx);
  return { fits, failed };
}
