// The run configuration: one JSON document, the same for `mtlc run` and for an upload to the bucket.
// Every field has a default, so `{}` is the default study (small KIBA study that runs in minutes on 2 cores).
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { geometricGrid } from './design/grid.ts';

const positiveInt = z.number().int().positive();
/** A positive integer with a sane maximum: a typo such as `seeds: 100000` is a config error, not a month of compute. */
const upTo = (max: number) => positiveInt.max(max);

/** Default fraction of a fold's training compounds held out as its inner validation set (`split.validationFraction`). */
export const DEFAULT_VALIDATION_FRACTION = 0.15;

/** The model and training protocol defaults (docs/methods.md, "Training protocol", has the measurements). */
export const MODEL_DEFAULTS = { hidden: [512], dropout: 0.5, batchSize: 128, learningRate: 1e-3, maxSteps: 2000, evalEvery: 20, patience: 10, minImprovement: 0.001 };

/** The snapshot branches' defaults (docs/methods.md, "Snapshot branches", has the measurements behind them). */
export const LOOKAHEAD_DEFAULTS = { enabled: true, n0: 16, delta: 512, baseSteps: 1000, branchSteps: 150, placebos: 2 };

export const DatasetConfig = z
  .object({
    /** Built-in `kiba` / `davis`, or `custom` with `labels` (and optionally `features`). */
    name: z.enum(['kiba', 'davis', 'custom']).default('kiba'),
    /** Folder holding the long-format files; falls back to $MTLC_DATA_DIR, then the download cache. */
    dataDir: z.string().optional(),
    /** custom: CSV `compound_id,smiles,target_id,label|value`. */
    labels: z.string().optional(),
    /** custom: CSV `compound_id,<numeric columns>` used instead of ECFP. */
    features: z.string().optional(),
    /** Binarisation of `value`: positive when value (tie) threshold. Defaults: KIBA 12.1, Davis 7 (pKd), `>=`. */
    threshold: z.number().optional(),
    tie: z.enum(['>=', '>']).default('>='),
    /** What to do with a SMILES RDKit cannot parse. */
    invalidSmiles: z.enum(['skip', 'fail']).default('skip'),
    /** Allow downloading the built-in data sets from the DeepDTA repository when no local copy exists. */
    download: z.boolean().default(true),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.name === 'custom' && !d.labels) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: "required when dataset.name is 'custom'" });
    }
  });

export const TaskSelectionConfig = z
  .object({
    /** Explicit target ids; takes precedence over `top`. */
    list: z.array(z.string().min(1)).min(1).optional(),
    /** The K targets with the most labelled compounds. */
    top: upTo(1000).default(3),
    minPositives: z.number().int().nonnegative().default(10),
    minNegatives: z.number().int().nonnegative().default(10),
  })
  .strict();

export const FeatureConfig = z
  .object({
    radius: z.number().int().min(0).max(6).default(2),
    nBits: z.number().int().min(8).max(65536).default(2048),
  })
  .strict();

export const SplitConfig = z
  .object({
    /** One or both split kinds; the study runs every design under each. */
    kinds: z.array(z.enum(['random', 'scaffold'])).min(1).default(['random']),
    /** Number of compound folds F; fold f holds out 1/F of the compounds. */
    folds: z.number().int().min(2).max(20).default(5),
    /** Which folds are test folds; default every fold (replicates: docs/methods.md, "Replicates"). */
    useFolds: z.array(z.number().int().nonnegative()).min(1).optional(),
    seed: z.number().int().default(0),
    /** Fraction of each fold's training compounds held out (whole groups) as the inner validation set of early stopping. */
    validationFraction: z.number().gt(0).lt(0.5).default(DEFAULT_VALIDATION_FRACTION),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<number>();
    (s.useFolds ?? []).forEach((f, i) => {
      if (f >= s.folds) ctx.addIssue({ code: 'custom', path: ['useFolds', i], message: `fold ${f} does not exist (folds = ${s.folds})` });
      if (seen.has(f)) ctx.addIssue({ code: 'custom', path: ['useFolds', i], message: `fold ${f} is listed twice` });
      seen.add(f);
    });
  })
  .transform((s) => ({ ...s, useFolds: s.useFolds ?? Array.from({ length: s.folds }, (_, f) => f) }));

export const ModelConfig = z
  .object({
    hidden: z.array(upTo(8192)).min(1).max(8).default(MODEL_DEFAULTS.hidden),
    dropout: z.number().min(0).max(0.95).default(MODEL_DEFAULTS.dropout),
    batchSize: upTo(8192).default(MODEL_DEFAULTS.batchSize),
    learningRate: z.number().positive().max(10).default(MODEL_DEFAULTS.learningRate),
    /** Training protocol (docs/methods.md): a step budget that does not grow with the rows ... */
    maxSteps: upTo(1_000_000).default(MODEL_DEFAULTS.maxSteps),
    /** ... a check of every task's inner-validation AUROC every evalEvery steps ... */
    evalEvery: upTo(100_000).default(MODEL_DEFAULTS.evalEvery),
    /** ... and a stop after `patience` checks in a row that improved no task ... */
    patience: upTo(10_000).default(MODEL_DEFAULTS.patience),
    /** ... by more than this much validation AUROC over its best so far (smaller gains are noise, not learning). */
    minImprovement: z.number().min(0).lt(0.1).default(MODEL_DEFAULTS.minImprovement),
  })
  .strict();

export const GridConfig = z
  .object({
    min: upTo(10_000_000).default(16),
    /** Largest n; 'full' = all the training compounds a task has. */
    max: z.union([upTo(10_000_000), z.literal('full')]).default('full'),
    /** At least 1.1: a factor closer to 1 asks for hundreds of sizes. */
    factor: z.number().min(1.1).max(1000).default(2),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.max !== 'full' && g.max < g.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `must be 'full' or at least study.grid.min (${g.min}), got ${g.max}` });
  });

export const StudyConfig = z
  .object({
    designs: z.array(z.enum(['single', 'all', 'contextual', 'pairwise', 'random'])).min(1).default(['single', 'all', 'contextual']),
    grid: GridConfig.default({ min: 16, max: 'full', factor: 2 }),
    /** Seeds per test fold: replicates are (fold, seed) pairs, each with its own subsamples and initialisation. */
    seeds: upTo(100).default(1),
    /** contextual: fractions of the other tasks' data trained next to the focus task. */
    contextFractions: z
      .array(z.number().min(0).max(1))
      .min(2)
      .max(20)
      .refine((f) => new Set(f).size === f.length, 'a fraction is listed twice')
      .default([0, 0.25, 1]),
    /** pairwise: 'all' ordered pairs of the selected tasks, or an explicit list of [source, target]. */
    pairs: z.union([z.literal('all'), z.array(z.tuple([z.string(), z.string()])).min(1)]).default('all'),
    /** random design: number of runs with independently drawn sizes per task. */
    randomRuns: upTo(10_000).default(24),
    /** TAG (Fifty et al.) probes on the all-task full-size point; `heldOut` also measures L_j on a validation batch. */
    tag: z
      .object({ enabled: z.boolean().default(true), every: upTo(100_000).default(5), heldOut: z.boolean().default(true) })
      .strict()
      .default({ enabled: true, every: 5, heldOut: true }),
    /** The snapshot-branch approximation of the pairwise curves (docs/methods.md, "Snapshot branches"). */
    lookahead: z
      .object({
        enabled: z.boolean().default(true),
        /** n₀: the target's rows in the base training (at most what it has minus Δ). */
        n0: upTo(1_000_000).default(LOOKAHEAD_DEFAULTS.n0),
        /** Δ: rows each branch adds (of a source, a placebo or the target itself). */
        delta: upTo(1_000_000).default(LOOKAHEAD_DEFAULTS.delta),
        /** Step budget of the base training (early-stopped on validation like every point; snapshot at its best check). */
        baseSteps: upTo(100_000).default(LOOKAHEAD_DEFAULTS.baseSteps),
        /** Steps of every branch. */
        branchSteps: upTo(100_000).default(LOOKAHEAD_DEFAULTS.branchSteps),
        /** Placebo branches per target (label-shuffled copies from study.placebo): the correction and the control rows. */
        placebos: z.number().int().min(0).max(1000).default(LOOKAHEAD_DEFAULTS.placebos),
      })
      .strict()
      .default(LOOKAHEAD_DEFAULTS),
    /**
     * Placebo controls (docs/methods.md): label-shuffled copies of these tasks join the study as sources only —
     * in the pairwise grid (placebo → every target) and as the contextual placebo context — the empirical null
     * next to every transfer estimate. 'all' (default), a list of selected tasks, or [] for none.
     */
    placebo: z
      .object({
        sources: z
          .union([z.literal('all'), z.array(z.string().min(1)).refine((s) => new Set(s).size === s.length, 'a task is listed twice')])
          .default('all'),
      })
      .strict()
      .default({ sources: 'all' }),
    /** Significance level of the transfer verdicts. */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** False discovery rate of the replicate-level verdicts, per family of rates (Benjamini–Hochberg). */
    fdr: z.number().gt(0).lt(1).default(0.05),
    /** Bootstrap resamples per fit (each refits the curve; 10,000 keeps a fit shard inside a Lambda's 15 minutes). */
    bootstrap: upTo(10_000).default(200),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.lookahead.enabled && !s.designs.includes('single')) {
      ctx.addIssue({
        code: 'custom',
        path: ['lookahead', 'enabled'],
        message: "the snapshot branches take c and a_i from the single-task curves: add 'single' to study.designs, or set study.lookahead.enabled to false",
      });
    }
    // A numeric grid.max caps every task's rows, the branches' included: below Δ + 2 no target could get a job.
    if (s.lookahead.enabled && s.grid.max !== 'full' && s.grid.max < s.lookahead.delta + 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['lookahead', 'delta'],
        message: `${s.lookahead.delta} rows per branch need study.grid.max ≥ Δ + 2 = ${s.lookahead.delta + 2} (it is ${s.grid.max}; it caps every task's rows): a smaller study.lookahead.delta (at most ${Math.max(1, s.grid.max - 2)}), a larger or 'full' grid.max, or study.lookahead.enabled false`,
      });
    }
    // With a numeric grid.max the sizes are known without data: too few for an EXP3 curve is found by the trigger.
    if (s.grid.max === 'full' || !(s.designs.includes('single') || s.designs.includes('all'))) return;
    const sizes = geometricGrid(s.grid.min, s.grid.factor, s.grid.max).length;
    if (sizes < 3) ctx.addIssue({ code: 'custom', path: ['grid'], message: `gives ${sizes} training size(s) (${geometricGrid(s.grid.min, s.grid.factor, s.grid.max).join(', ')}); an EXP3 curve needs at least 3: a smaller min or factor, or a larger max` });
  });

export const ExecutionConfig = z
  .object({
    maxConcurrency: upTo(10_000).default(50),
    /** The largest study (trainings) a run may plan; Plan refuses a bigger one before anything trains. */
    maxPoints: upTo(10_000_000).default(20_000),
    toleratedFailurePercentage: z.number().min(0).max(100).default(0),
    /** Points one training job trains ('auto': about ten minutes of work each; lib/design/jobs.ts). */
    pointsPerJob: z.union([z.literal('auto'), upTo(200)]).default('auto'),
    /** Points the batched trainer trains at once as one program ('auto': by the network's size; lib/model/batched.ts). */
    pointsAtOnce: z.union([z.literal('auto'), upTo(64)]).default('auto'),
    /** Local runs: worker processes (default: one per core). */
    workers: upTo(1024).optional(),
  })
  .strict();

export const RunConfig = z
  .object({
    /** Free text shown in the report. */
    title: z.string().optional(),
    dataset: DatasetConfig.default({ name: 'kiba', tie: '>=', invalidSmiles: 'skip', download: true }),
    tasks: TaskSelectionConfig.default({ top: 3, minPositives: 10, minNegatives: 10 }),
    features: FeatureConfig.default({ radius: 2, nBits: 2048 }),
    split: SplitConfig.default(SplitConfig.parse({})),
    model: ModelConfig.default(MODEL_DEFAULTS),
    study: StudyConfig.default(StudyConfig.parse({})),
    execution: ExecutionConfig.default(ExecutionConfig.parse({})),
  })
  .strict();

export type RunConfig = z.infer<typeof RunConfig>;
export type DatasetConfig = z.infer<typeof DatasetConfig>;
export type TaskSelectionConfig = z.infer<typeof TaskSelectionConfig>;
export type FeatureConfig = z.infer<typeof FeatureConfig>;
export type SplitConfig = z.infer<typeof SplitConfig>;
export type ModelConfig = z.infer<typeof ModelConfig>;
export type StudyConfig = z.infer<typeof StudyConfig>;

/** Fields of earlier config versions, and what replaced them (named in the error instead of "unrecognized key"). */
const RETIRED_FIELDS: Record<string, Record<string, string>> = {
  model: {
    epochs:
      'retired: every point now trains by one protocol whatever its rows (model.maxSteps, model.evalEvery, model.patience; docs/methods.md, "Training protocol"); remove it',
    earlyStopping: 'retired: early stopping is always on, on the inner validation set (split.validationFraction, model.patience); remove it',
  },
  'study.lookahead': {
    probes:
      'retired with the data lookahead it configured: the lookahead is now the snapshot branches (study.lookahead.n0, delta, baseSteps, branchSteps; docs/methods.md, "Snapshot branches"); remove it',
    steps: 'retired with the data lookahead it configured: the branches run study.lookahead.branchSteps steps; remove it',
  },
};

/** Parses and validates a config; every problem is reported with its field path in one ConfigError. */
export function parseRunConfig(input: unknown): RunConfig {
  const retired: { field: string; message: string }[] = [];
  if (input && typeof input === 'object') {
    for (const [section, fields] of Object.entries(RETIRED_FIELDS)) {
      const value = section.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), input);
      if (value && typeof value === 'object') for (const [field, message] of Object.entries(fields)) if (field in value) retired.push({ field: `${section}.${field}`, message });
    }
  }
  const result = RunConfig.safeParse(input ?? {});
  if (result.success && retired.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues.filter((i) => !(i.code === 'unrecognized_keys' && i.keys.every((k) => retired.some((r) => r.field === `${i.path.join('.')}.${k}`))));
  throw new ConfigError([...retired, ...issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(root)', message: i.message }))]);
}

/** Paths of keys that appear twice in one object of valid JSON text (e.g. `model.dropout`). */
export function duplicateKeys(text: string): string[] {
  const out: string[] = [];
  // One frame per open container: its keys so far (objects) and the path to it.
  const stack: { keys?: Set<string>; path: string[]; pendingKey?: string; index: number }[] = [];
  let i = 0;
  const readString = (): string => {
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  const childPath = () => {
    const top = stack.at(-1);
    if (!top) return [];
    return top.keys ? [...top.path, top.pendingKey ?? ''] : [...top.path, String(top.index)];
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? { keys: new Set(), path: childPath(), index: 0 } : { path: childPath(), index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top && !top.keys) top.index++;
      i++;
    } else if (c === '"') {
      const s = readString();
      const top = stack.at(-1);
      let k = i;
      while (/\s/.test(text[k] ?? '')) k++;
      if (top?.keys && text[k] === ':') {
        if (top.keys.has(s)) out.push([...top.path, s].join('.'));
        top.keys.add(s);
        top.pendingKey = s;
      }
    } else i++;
  }
  return out;
}

/** Parses config text (JSON), naming the position of a syntax error. */
export function parseRunConfigText(text: string, source = 'config'): RunConfig {
  let json: unknown;
  // A byte-order mark (as some editors save JSON) is accepted, as it is in CSV files.
  text = text.replace(/^\uFEFF/, '');
  try {
    json = text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    throw new ConfigError([{ field: '(root)', message: `${source} is not valid JSON: ${(err as Error).message}` }]);
  }
  // JSON.parse keeps the last of two equal keys without a word; a config that says a thing twice is a mistake.
  const duplicates = duplicateKeys(text);
  if (duplicates.length) throw new ConfigError(duplicates.map((field) => ({ field, message: 'given twice in the same object (JSON keeps only the last)' })));
  return parseRunConfig(json);
}
