// The Plan step: validate the config, featurise and split once into prepared/, enumerate the points, and
// return those not computed yet (a rerun or redrive recomputes only what is missing).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunConfig } from '../config.ts';
import { checkNoReservedNames, deserializePrepared, placeboName, placeboSources, prepareDataset, serializePrepared, withPlaceboTasks, type PreparedDataset } from '../data/index.ts';
import { checkStudySize, enumeratePoints, pointsPerJob, studySize, type AvailableCount, type StudySize } from '../design/index.ts';
import { InputError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { assignFolds, availableCounts } from '../splits/index.ts';
import { putJson } from '../storage/port.ts';
import type { FoldAssignment, PointSpec } from '../types.ts';
import { readRunConfig } from './config.ts';
import type { StepContext } from './context.ts';
import { decodeSplits, encodeSplits, preparedHash } from './prepared.ts';
import { StoredPlan, StoredSplits } from '../documents.ts';
import { checkStored, CorruptDocumentError, readChecked } from '../storage/checked.ts';
import { checkStoredPoints } from './points.ts';
import { markStatus } from './status.ts';
import { runFileKey } from './runFiles.ts';

export interface PlanOutput {
  runId: string;
  pointsTotal: number;
  pointsDone: number;
  /** Points still to train. Their ids are in `pendingKey`: the Map reads them from S3, so no state carries the list. */
  pending: number;
  /** Key of the JSON list of pending point ids in the run's bucket (the training Map's ItemReader). */
  pendingKey: string;
  /** Points per training job (the Map's ItemBatcher). */
  pointsPerJob: number;
  /** The study's size and estimated compute (also in status.json). */
  size: StudySize;
  /** The run's Map settings (config.execution). */
  maxConcurrency: number;
  toleratedFailurePercentage: number;
}

/**
 * A custom data set's files are objects in the run's own folder (uploaded next to config.json; `mtlc run`
 * uploads a local config's files there too), never paths on the machine that runs Plan: each is fetched into a
 * temporary folder, which `cleanup` removes (a warm Lambda would otherwise collect them).
 */
async function localiseCustomFiles(ctx: StepContext, config: RunConfig): Promise<{ config: RunConfig; cleanup: () => Promise<void> }> {
  const dataset = { ...config.dataset };
  let tmp: string | undefined;
  const cleanup = async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
  try {
    for (const field of ['labels', 'features'] as const) {
      const value = dataset[field];
      if (!value) continue;
      const key = runFileKey(ctx.runId, value, `dataset.${field}`);
      const bytes = await ctx.store.get(key);
      if (!bytes) throw new InputError({ file: 'config.json', column: `dataset.${field}` }, `no object at ${ctx.store.describe(key)}: upload '${value}' next to config.json`);
      tmp ??= await mkdtemp(path.join(os.tmpdir(), 'mtlc-data-'));
      const file = path.join(tmp, `${field}-${path.basename(key)}`);
      await writeFile(file, bytes);
      dataset[field] = file;
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { config: { ...config, dataset }, cleanup };
}

export async function planStep(ctx: StepContext): Promise<PlanOutput> {
  const layout = runLayout(ctx.runId);
  const config = await readRunConfig(ctx);
  const hash = preparedHash(config);

  // Prepared data is reused when it was made for the same settings and reads back whole; a corrupt file is rebuilt.
  const preparedRepairs: string[] = [];
  let splitsDoc: StoredSplits | undefined;
  let dataset: PreparedDataset | undefined;
  const storedSplits = await checkStored(ctx.store, layout.splits, StoredSplits);
  if (storedSplits && !storedSplits.ok) preparedRepairs.push(`rebuilding ${ctx.store.describe(layout.splits)}: ${storedSplits.reason}`);
  if (storedSplits?.ok && storedSplits.value.hash === hash) {
    const bytes = await ctx.store.get(layout.dataset);
    try {
      if (bytes) {
        dataset = deserializePrepared(bytes);
        splitsDoc = storedSplits.value;
      }
    } catch (err) {
      preparedRepairs.push(`rebuilding ${ctx.store.describe(layout.dataset)}: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  if (!dataset || !splitsDoc) {
    const local = await localiseCustomFiles(ctx, config);
    try {
      dataset = await prepareDataset(local.config, { dataDir: ctx.dataDir, cacheDir: ctx.cacheDir });
    } finally {
      await local.cleanup();
    }
    // Placebo sources are extra label columns: every trainer reads them from the prepared data set.
    checkNoReservedNames(dataset.labels.tasks);
    const placebo = placeboSources(config.study.placebo.sources, dataset.labels.tasks);
    const notes = [...dataset.notes];
    if (placebo.length > 0) {
      dataset = { ...dataset, labels: withPlaceboTasks(dataset.labels, placebo, config.split.seed) };
      notes.push(`placebo sources (labels shuffled among the same compounds): ${placebo.map(placeboName).join(', ')}`);
    }
    const assignments: FoldAssignment[] = [];
    for (const kind of config.split.kinds) {
      const a = await assignFolds(dataset.labels.compoundIds, dataset.smiles, kind, config.split.folds, config.split.seed, { features: dataset.features, validationFraction: config.split.validationFraction });
      assignments.push(a);
      notes.push(`${kind} split: ${a.duplicatesGrouped} compounds share their SMILES or feature row with another compound and were grouped, each group in one fold`);
    }
    dataset = { ...dataset, notes };
    await ctx.store.put(layout.dataset, serializePrepared(dataset), 'application/gzip');
    splitsDoc = encodeSplits(hash, assignments);
    await putJson(ctx.store, layout.splits, splitsDoc);
  }

  const available: AvailableCount[] = availableCounts(dataset.labels, decodeSplits(splitsDoc).values(), config.split.useFolds);
  const plan = enumeratePoints(config, available);
  checkStudySize(config, plan.points.length);
  const stored: StoredPlan = { ...plan, runId: ctx.runId, config, hash, createdAt: new Date().toISOString() };
  // The previous plan only decides whether createdAt may stay: a corrupt one is simply replaced.
  const previous = await readChecked(ctx.store, layout.plan, StoredPlan).catch((err: unknown) => {
    if (!(err instanceof CorruptDocumentError)) throw err;
    preparedRepairs.push(`rewriting ${ctx.store.describe(layout.plan)}: ${err.reason}`);
    return undefined;
  });
  // Keep createdAt when nothing changed, so trainers' per-process caches stay valid across a redrive.
  if (previous && previous.hash === hash && JSON.stringify(previous.points) === JSON.stringify(plan.points)) stored.createdAt = previous.createdAt;
  await putJson(ctx.store, layout.plan, stored);

  // A stored point counts as done only when it reads back complete; a corrupt one is named and retrained.
  const { done, corrupt } = await checkStoredPoints(ctx, plan.points.map((p) => p.id));
  // Points of one network shape side by side, so that the batches the Map cuts from this list train as one
  // program (lib/training/point.ts, trainSpecs); probed points (trained alone, the longest) first, so that they
  // do not end the run as a tail that one worker trains while the others wait.
  const shape = (p: PointSpec) => (p.probes?.tag || p.probes?.lookahead ? -1 : Object.values(p.sizes).filter((n) => n > 0).length);
  const pending = plan.points.filter((p) => !done.has(p.id)).sort((a, b) => shape(a) - shape(b)).map((p) => p.id);
  await putJson(ctx.store, layout.pending, pending);
  const pointsDone = plan.points.length - pending.length;
  const size = studySize(plan.points, new Set(pending));
  const repaired = [...preparedRepairs, ...corrupt.map((c) => `retraining a corrupt point: ${c}`)];
  await markStatus(ctx, { state: 'RUNNING', step: 'Train', size, ...(repaired.length ? { repaired } : {}), progress: { pointsDone, pointsTotal: plan.points.length, pointsFailed: 0 } });
  const { maxConcurrency, toleratedFailurePercentage } = config.execution;
  return {
    runId: ctx.runId,
    pointsTotal: plan.points.length,
    pointsDone,
    pending: pending.length,
    pendingKey: layout.pending,
    pointsPerJob: pointsPerJob(size, ctx.parallelJobs ?? maxConcurrency, config.execution.pointsPerJob),
    size,
    maxConcurrency,
    toleratedFailurePercentage,
  };
}
