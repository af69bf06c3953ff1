// The five study designs of docs/methods.md, each as a list of training requests for one (split, fold, seed).
// A request is per-task sizes plus the role it plays; lib/design/enumerate.ts merges identical trainings.
import type { RunConfig } from '../config.ts';
import type { DesignName, LookaheadSpec, PointUse } from '../types.ts';
import { geometricGrid, logUniformSize } from './grid.ts';
import { hashUniform } from './pointId.ts';

/** What a design needs to know about one (split, fold): the selected tasks, their full sizes and grids. */
export interface DesignContext {
  /** The selected (real) tasks. */
  tasks: string[];
  /** Placebo copy of each real task that has one (docs/methods.md, "Placebo controls"): sources, never targets. */
  placebos: Map<string, string>;
  /** Full size of each task: what the fold's training part has, capped by study.grid.max. */
  full: Map<string, number>;
  /** Geometric grid of each task, ending at its full size. */
  grid: Map<string, number[]>;
  config: RunConfig;
  /** Ordered pairs [source, target] of the pairwise design, already validated; placebo → target pairs included. */
  pairs: [string, string][];
}

export interface TrainingRequest {
  sizes: Record<string, number>;
  use: PointUse;
}

/** single: each task alone at each size of its grid. */
export function singleDesign(ctx: DesignContext): TrainingRequest[] {
  return ctx.tasks.flatMap((task) => (ctx.grid.get(task) ?? []).map((n) => ({ sizes: { [task]: n }, use: { design: 'single' as const } })));
}

/**
 * all: every task trained together at the same nominal n, each capped at its own full size: n_i = min(n, full_i),
 * n over the geometric grid up to the largest full size (the last point has every task at full size).
 */
export function allDesign(ctx: DesignContext): TrainingRequest[] {
  const largest = Math.max(0, ...ctx.tasks.map((t) => ctx.full.get(t) ?? 0));
  const { min, factor } = ctx.config.study.grid;
  return geometricGrid(min, factor, largest).map((n) => ({
    sizes: Object.fromEntries(ctx.tasks.map((t) => [t, Math.min(n, ctx.full.get(t) ?? 0)])),
    use: { design: 'all' as const },
  }));
}

/** The all-task training at full size, which carries the TAG probes. */
export function allFullSizes(ctx: DesignContext): Record<string, number> {
  return Object.fromEntries(ctx.tasks.map((t) => [t, ctx.full.get(t) ?? 0]));
}

/**
 * contextual: focus task i at each n_i of its grid, every other task k at round(f · full_k) for each
 * fraction f in study.contextFractions (f = 0 is the single-task curve; f = 1 at full n_i is the all-task run).
 */
export function contextualDesign(ctx: DesignContext): TrainingRequest[] {
  const out: TrainingRequest[] = [];
  for (const focus of ctx.tasks) {
    const others = ctx.tasks.filter((t) => t !== focus);
    // The placebo surface: the same focus sizes and fractions with the placebo copies of the others as context.
    const placeboOthers = others.flatMap((t) => (ctx.placebos.has(t) ? [ctx.placebos.get(t)!] : []));
    const contexts: { context: string[]; placebo: boolean }[] = [{ context: others, placebo: false }];
    if (placeboOthers.length > 0) contexts.push({ context: placeboOthers, placebo: true });
    for (const { context, placebo } of contexts) {
      for (const fraction of ctx.config.study.contextFractions) {
        for (const n of ctx.grid.get(focus) ?? []) {
          const sizes: Record<string, number> = { [focus]: n };
          for (const other of context) sizes[other] = Math.round(fraction * (ctx.full.get(other) ?? 0));
          out.push({ sizes, use: { design: 'contextual', focus, fraction, ...(placebo ? { placebo: true as const } : {}) } });
        }
      }
    }
  }
  return out;
}

/**
 * pairwise: for source j → target i, target at each n_i of its grid and source at n_j ∈ {0} ∪ grid_j.
 * The cell (n_i, n_j) is the same training as the cell (n_j, n_i) of j's grid for i → j, and n_j = 0 is the
 * single-task point: merging by training specification trains each once.
 */
export function pairwiseDesign(ctx: DesignContext): TrainingRequest[] {
  const out: TrainingRequest[] = [];
  for (const [source, target] of ctx.pairs) {
    for (const nTarget of ctx.grid.get(target) ?? []) {
      for (const nSource of [0, ...(ctx.grid.get(source) ?? [])]) {
        out.push({ sizes: { [target]: nTarget, [source]: nSource }, use: { design: 'pairwise', focus: target, source } });
      }
    }
  }
  return out;
}

/**
 * random: study.randomRuns runs; in run r every task k is at a log-uniform size over [min(grid.min, full_k), full_k],
 * drawn from u = hash(split.seed, r, k). The draw does not depend on the seed index, so the seeds replicate the
 * same design; it does not depend on the other tasks, so adding a task leaves the others' sizes unchanged.
 */
export function randomDesign(ctx: DesignContext): TrainingRequest[] {
  const out: TrainingRequest[] = [];
  const { min } = ctx.config.study.grid;
  for (let run = 0; run < ctx.config.study.randomRuns; run++) {
    const sizes: Record<string, number> = {};
    for (const task of ctx.tasks) {
      const full = ctx.full.get(task) ?? 0;
      sizes[task] = full > 0 ? logUniformSize(hashUniform('random-design', ctx.config.split.seed, run, task), Math.min(min, full), full) : 0;
    }
    out.push({ sizes, use: { design: 'random', run } });
  }
  return out;
}

/** The designs a config selects (study.designs); the lookahead's jobs are planned by lookaheadJobs. */
export type CurveDesign = Exclude<DesignName, 'lookahead'>;

export const DESIGN_ORDER: CurveDesign[] = ['all', 'single', 'contextual', 'pairwise', 'random'];

/** One target's snapshot branches (docs/methods.md, "Snapshot branches"): a job of its own, never merged. */
export interface LookaheadJob {
  target: string;
  /** The target at n₀ + Δ (its first n₀ rows train the base, the next Δ the self branch), each source at Δ. */
  sizes: Record<string, number>;
  spec: LookaheadSpec;
}

/**
 * lookahead: per target, n₀ = min(study.lookahead.n0, full − Δ) rows of its own and Δ rows of every other task and
 * of `study.lookahead.placebos` placebo copies (those of the other tasks first, in task order), each with at least
 * Δ rows (a source with fewer has no branch). A target with fewer than Δ + 2 rows is skipped.
 */
export function lookaheadJobs(ctx: DesignContext): LookaheadJob[] {
  const { n0, delta, baseSteps, branchSteps, placebos } = ctx.config.study.lookahead;
  const out: LookaheadJob[] = [];
  const hasDelta = (task: string) => (ctx.full.get(task) ?? 0) >= delta;
  for (const target of ctx.tasks) {
    const full = ctx.full.get(target) ?? 0;
    const base = Math.min(n0, full - delta);
    if (base < 2) continue;
    const sizes: Record<string, number> = { [target]: base + delta };
    for (const source of ctx.tasks) if (source !== target && hasDelta(source)) sizes[source] = delta;
    const copies = [...ctx.tasks.filter((t) => t !== target), target].flatMap((t) => (ctx.placebos.has(t) && hasDelta(ctx.placebos.get(t)!) ? [ctx.placebos.get(t)!] : []));
    for (const copy of copies.slice(0, placebos)) sizes[copy] = delta;
    out.push({ target, sizes, spec: { n0: base, delta, baseSteps, branchSteps } });
  }
  return out;
}

export const DESIGNS: Record<CurveDesign, (ctx: DesignContext) => TrainingRequest[]> = {
  all: allDesign,
  single: singleDesign,
  contextual: contextualDesign,
  pairwise: pairwiseDesign,
  random: randomDesign,
};
