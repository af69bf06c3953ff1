// The documents a run stores and reads back (docs/results.md), each with the schema its readers check it against
// through one reader (lib/storage/checked.ts): a truncated, hand-edited or foreign file is named as corrupt where it
// is read, not found later as a missing field. A schema checks what the readers rely on and lets other fields pass,
// so a document written by a newer mtlc with more fields still reads.
import { z } from 'zod';
import { RunConfig } from './config.ts';
import type { StudySize } from './design/size.ts';
import type { Plan } from './design/enumerate.ts';
import type { RunStatus } from './layout.ts';
import type { CurvesFile, FitFailure, TransferFile, CurveFit, ModelComparison } from './results.ts';
import type { AnalyseInput } from './transfer/analyseInput.ts';
import type { PointResult } from './types.ts';

const splitKind = z.enum(['random', 'scaffold']);
const design = z.enum(['single', 'all', 'contextual', 'pairwise', 'random', 'lookahead']);
const model = z.enum(['exp3', 'exp3.2', 'pairwise', 'joint', 'pow3', 'pow4', 'mmf4', 'last1']);
const count = z.number().int().nonnegative();
/** A number JSON may have turned into null (a non-finite value written by JSON.stringify). */
const numberOrNull = z.number().nullable();

/** What the readers of a point's specification use: its identity, sizes and design roles. */
const pointUse = z.object({ design, focus: z.string().optional(), source: z.string().optional() }).passthrough();
const pointSpec = z
  .object({ id: z.string().min(1), split: splitKind, fold: z.number().int(), seed: z.number().int(), sizes: z.record(z.string(), z.number()), uses: z.array(pointUse).min(1) })
  .passthrough();

const metrics = z.object({ auroc: numberOrNull, auprc: numberOrNull, logloss: numberOrNull, nTrain: count, nTest: count, nTestPositive: count });

/** points/<id>.json: one trained point. */
export const StoredPoint = z
  .object({
    id: z.string().min(1),
    spec: pointSpec,
    metrics: z.record(z.string(), metrics),
    seconds: z.number().nonnegative(),
    steps: count,
    finishedAt: z.string(),
  })
  .passthrough()
  .refine((p) => p.id === p.spec.id, { message: 'its id and its spec id differ' }) as unknown as z.ZodType<PointResult>;

/** prepared/splits.json: the fold assignments (a truncated file is rebuilt by Plan). */
export const StoredSplits = z.object({
  /** Hash of the training context the folds were made for (lib/pipeline/prepared.ts preparedHash). */
  hash: z.string(),
  splits: z
    .array(
      z.object({
        kind: splitKind,
        folds: z.number().int().min(2),
        seed: z.number().int(),
        fold: z.array(count),
        group: z.array(count),
        duplicatesGrouped: count,
        validationFraction: z.number().gt(0).lt(1),
      }),
    )
    .min(1),
});
export type StoredSplits = z.infer<typeof StoredSplits>;

/** prepared/plan.json: every point of the study and the validated config it was planned from. */
export interface StoredPlan extends Plan {
  runId: string;
  /** The validated config the plan was made from: trainers and analysis read it from here. */
  config: RunConfig;
  hash: string;
  createdAt: string;
}
const sizeCap = z.object({ task: z.string(), split: splitKind, fold: z.number().int(), requested: z.number(), used: z.number() });
export const StoredPlan = z
  .object({ runId: z.string().min(1), config: RunConfig, hash: z.string().min(1), createdAt: z.string(), points: z.array(pointSpec), caps: z.array(sizeCap) })
  .passthrough() as unknown as z.ZodType<StoredPlan>;

/** status.json: the state of a run as the user sees it. */
export const StoredStatus = z
  .object({
    state: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    runId: z.string().min(1),
    updatedAt: z.string(),
    step: z.string().optional(),
    error: z.object({ step: z.string().optional(), message: z.string() }).passthrough().optional(),
    progress: z.object({ pointsDone: count, pointsTotal: count, pointsFailed: count.optional() }).optional(),
    size: z.object({ points: count, pending: count }).passthrough().optional() as unknown as z.ZodType<StudySize | undefined>,
    repaired: z.array(z.string()).optional(),
    executionArn: z.string().optional(),
    refusedUpload: z.object({ at: z.string(), message: z.string() }).optional(),
  })
  .passthrough() as unknown as z.ZodType<RunStatus>;

const fitIdentity = { task: z.string(), design, split: splitKind, model, source: z.string().optional() };
const curveFit = z.object({ ...fitIdentity, status: z.enum(['ok', 'failed']), params: z.record(z.string(), numberOrNull), sse: numberOrNull, nPoints: count }).passthrough();
const fitFailure = z.object({ ...fitIdentity, rate: z.string().optional(), reason: z.string() }).passthrough();
const modelComparison = z.object({ task: z.string(), design, split: splitKind, model }).passthrough();

/** results/fits/<shard>.json: one shard of the Fit step. */
export interface FitShardResult {
  shardId: string;
  split: 'random' | 'scaffold';
  task: string;
  /** The fit inputs hash the shard was fitted from: merging refuses shards fitted from other points. */
  inputs: string;
  fits: CurveFit[];
  failed: FitFailure[];
  comparison: ModelComparison[];
}
export const StoredFitShard = z
  .object({ shardId: z.string().min(1), split: splitKind, task: z.string(), inputs: z.string().min(1), fits: z.array(curveFit), failed: z.array(fitFailure), comparison: z.array(modelComparison) })
  .passthrough() as unknown as z.ZodType<FitShardResult>;

/** results/curves.json: every fitted curve of the run. */
export const StoredCurves = z
  .object({
    runId: z.string(),
    metric: z.literal('auroc'),
    observations: z.array(z.object({ pointId: z.string(), task: z.string(), design, split: splitKind, fold: z.number().int(), seed: z.number().int(), n: z.number(), y: numberOrNull }).passthrough()),
    fits: z.array(curveFit),
    comparison: z.array(modelComparison),
    failed: z.array(fitFailure).optional(),
  })
  .passthrough() as unknown as z.ZodType<CurvesFile>;

/** results/transfer.json: the transfer effects and the scores compared with them. */
export const StoredTransfer = z
  .object({
    runId: z.string(),
    singleVsAll: z.array(z.object({ task: z.string(), split: splitKind }).passthrough()),
    contextual: z.array(z.object({ task: z.string(), split: splitKind }).passthrough()),
    pairwise: z.array(z.object({ source: z.string(), target: z.string(), split: splitKind }).passthrough()),
    tag: z.array(z.object({ source: z.string(), target: z.string() }).passthrough()),
    lookahead: z.array(z.object({ source: z.string(), target: z.string(), split: splitKind }).passthrough()),
    agreement: z.record(z.string(), z.object({ rho: numberOrNull, pairs: count })),
    cost: z.record(z.string(), z.object({ seconds: z.number(), device: z.string(), backend: z.string() }).passthrough()),
    missingPoints: z.array(z.object({ pointId: z.string(), reason: z.string() })),
  })
  .passthrough() as unknown as z.ZodType<TransferFile>;

/**
 * results/fits/inputs.json.gz: what PlanFits hands the fit shards, MergeFits and Transfer: the analysis input (the
 * plan's points and config, the trained points with the metrics the analysis reads), its fitInputsHash and the shard ids.
 */
export interface FitInputs {
  inputs: string;
  shards: string[];
  input: AnalyseInput;
}
export const StoredFitInputs = z
  .object({
    inputs: z.string().min(1),
    shards: z.array(z.string().min(1)),
    input: z
      .object({
        runId: z.string().min(1),
        config: RunConfig,
        points: z.array(pointSpec),
        results: z.array(z.object({ id: z.string().min(1), spec: pointSpec, metrics: z.record(z.string(), metrics) }).passthrough()),
        caps: z.array(sizeCap).optional(),
      })
      .passthrough(),
  })
  .passthrough() as unknown as z.ZodType<FitInputs>;
