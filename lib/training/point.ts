// The point trainer: one PointSpec → one PointResult, for every consumer of a point (the pipeline's trainer
// step, `mtlc train`, the synthetic/power harness), so all of them train by the same protocol and rows.
import type { ModelConfig } from '../config.ts';
import { lookaheadTarget } from '../design/enumerate.ts';
import { ComputationError } from '../errors.ts';
import { runBranches } from '../lookahead/branches.ts';
import { loadBackend, trainPoint, type LoadedBackend, type PointInput } from '../model/index.ts';
import { fillsBatch, programKey, trainPoints } from '../model/batched.ts';
import { checkHeldOut } from '../model/point.ts';
import { modelSeed, pointRows } from '../splits/index.ts';
import { createRng } from '../stats/rng.ts';
import { trainPointWithTag } from '../tag/run.ts';
import type { FeatureMatrix, FoldAssignment, LabelMatrix, LookaheadSpec, PointResult, PointSpec } from '../types.ts';

/** What every point of a run is drawn from. */
export interface TrainingSource {
  features: FeatureMatrix;
  labels: LabelMatrix;
  /** The fold assignment of the spec's split kind. */
  assignment: FoldAssignment;
}

/**
 * Trains one point: its rows from the fold assignment (pointRows), the model seed of its replicate (modelSeed),
 * the training protocol of `model`. TAG probes ride on the point's own training (they leave it untouched). A
 * lookahead job (spec.probes.lookahead) is the snapshot branches of its target instead (trainBranchJob).
 */
export async function trainSpec(source: TrainingSource, spec: PointSpec, model: ModelConfig, backend?: LoadedBackend): Promise<PointResult> {
  if (spec.probes?.lookahead) return trainBranchJob(source, spec, spec.probes.lookahead, model, backend);
  const input = pointInput(source, spec, model, backend);
  const tag = spec.probes?.tag;
  if (!tag) return { id: spec.id, spec, ...(await trainPoint(input)), finishedAt: new Date().toISOString() };
  const heldOut = tag.heldOut ? { rows: input.validationRows, batchSize: model.batchSize, seed: createRng(input.seed).int() ^ 0x7a6 } : undefined;
  const out = await trainPointWithTag(input, { every: tag.every, ...(heldOut ? { heldOut } : {}) });
  return {
    id: spec.id,
    spec,
    ...out.point,
    finishedAt: new Date().toISOString(),
    tag: { z: out.tag.z, phases: out.tag.phases, ...(out.tag.heldOut ? { heldOut: out.tag.heldOut } : {}), seconds: out.tag.seconds },
  };
}

/** What a spec trains: its rows from the fold assignment (pointRows) and its replicate's model seed (modelSeed). */
function pointInput(source: TrainingSource, spec: PointSpec, model: ModelConfig, backend?: LoadedBackend): PointInput {
  const rows = pointRows(source.labels, source.assignment, spec);
  return { features: source.features, labels: source.labels, ...rows, model, seed: modelSeed(spec.split, spec.fold, spec.seed), backend };
}

export interface TrainSpecsOptions {
  backend?: LoadedBackend;
  /** Points trained at once by the batched trainer (config `execution.pointsAtOnce`); 'auto': by the network's size. */
  pointsAtOnce?: number | 'auto';
  /** Hears each point as it finishes (a job stores it at once: nothing finished is lost to a later failure). */
  onPoint(result: PointResult): void | Promise<void>;
  /** Hears each point that failed, with why; the others go on. */
  onError(spec: PointSpec, error: Error): void | Promise<void>;
}

/**
 * Trains a batch of specs by the one protocol: points without probes of one network shape as one program (the
 * batched trainer, lib/model/batched.ts: the results of training each alone, faster); TAG points and snapshot
 * branch jobs one by one (their probes step the model themselves; a job's branches are one program of their own).
 */
export async function trainSpecs(sourceOf: (spec: PointSpec) => TrainingSource, specs: readonly PointSpec[], model: ModelConfig, options: TrainSpecsOptions): Promise<void> {
  const programs = new Map<string, { spec: PointSpec; input: PointInput }[]>();
  const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  for (const spec of specs) {
    try {
      if (spec.probes?.tag || spec.probes?.lookahead) {
        await options.onPoint(await trainSpec(sourceOf(spec), spec, model, options.backend));
        continue;
      }
      const input = pointInput(sourceOf(spec), spec, model, options.backend);
      if (input.tasks.length === 0) throw new ComputationError(`point ${spec.id} trains no task`);
      checkHeldOut(input);
      // Points of one shape share a program; those that fill a batch and those that do not get different slot
      // counts (lib/model/batched.ts pointsAtOnce), so they train in programs of their own.
      const key = `${programKey(input)} ${fillsBatch(input) ? 'full' : 'small'}`;
      const members = programs.get(key) ?? [];
      members.push({ spec, input });
      programs.set(key, members);
    } catch (err) {
      await options.onError(spec, asError(err));
    }
  }
  for (const members of programs.values()) {
    const reported = new Set<number>();
    try {
      await trainPoints(members.map((m) => m.input), {
        ...(options.pointsAtOnce !== undefined && options.pointsAtOnce !== 'auto' ? { slots: options.pointsAtOnce } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        onPoint: async (i, output) => {
          // Counted as reported once heard: a point whose storing fails is failed with the rest.
          await options.onPoint({ id: members[i].spec.id, spec: members[i].spec, ...output, finishedAt: new Date().toISOString() });
          reported.add(i);
        },
      });
    } catch (err) {
      for (const [i, m] of members.entries()) if (!reported.has(i)) await options.onError(m.spec, asError(err));
    }
  }
}

/**
 * One target's snapshot branches: its first n₀ rows train the base, its next Δ the self branch, and every other
 * task in the spec (placebo copies included) gives Δ rows to a branch of its own; the readings are on the fold's
 * inner validation rows. The job has no test metrics: it is read in the Transfer step, never as a curve point.
 */
async function trainBranchJob(source: TrainingSource, spec: PointSpec, look: LookaheadSpec, model: ModelConfig, backend?: LoadedBackend): Promise<PointResult> {
  const target = lookaheadTarget(spec);
  if (!target || !(spec.sizes[target] > look.n0)) throw new ComputationError(`lookahead job ${spec.id}: its focus task must be trained at n₀ + Δ (${look.n0 + look.delta})`);
  const rows = pointRows(source.labels, source.assignment, spec);
  const own = rows.trainRows[target];
  const sources = Object.keys(spec.sizes).filter((t) => t !== target && spec.sizes[t] > 0).sort();
  const loaded = backend ?? (await loadBackend());
  const out = await runBranches({
    features: source.features,
    labels: source.labels,
    target,
    sources,
    baseRows: own.subarray(0, look.n0),
    selfRows: own.subarray(look.n0),
    sourceRows: Object.fromEntries(sources.map((s) => [s, rows.trainRows[s]])),
    validationRows: rows.validationRows,
    model,
    seed: modelSeed(spec.split, spec.fold, spec.seed),
    baseSteps: look.baseSteps,
    branchSteps: look.branchSteps,
    delta: look.delta,
    backend: loaded,
  });
  return {
    id: spec.id,
    spec,
    metrics: {},
    seconds: out.seconds,
    backend: out.backend,
    device: out.device,
    steps: out.steps,
    stoppedEarly: false,
    bestSteps: {},
    finishedAt: new Date().toISOString(),
    lookahead: { target, base: out.base, control: out.control, self: out.self, sources: out.sources },
  };
}
