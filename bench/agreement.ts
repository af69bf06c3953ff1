// npm run agreement -- --curves <run folder> --approx <run folder>: how well a cheap score (the snapshot branches,
// TAG) reproduces the learning-curve s_ij of a real study, next to the ceiling — the split-half reliability of
// s_ij itself (docs/methods.md, "Comparison"). Reads the runs `mtlc run` left in its embedded bucket
// (<out>/s3/mtlc-local/runs/<runId>).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../app/cli/table.ts';
import { enumeratePoints, estimatePointSeconds } from '../lib/design/index.ts';
import { analyseInput } from '../lib/pipeline/analyseInput.ts';
import { loadPreparedRun } from '../lib/pipeline/prepared.ts';
import { availableCounts } from '../lib/splits/index.ts';
import type { ObjectStore } from '../lib/storage/port.ts';
import { StoredTransfer } from '../lib/documents.ts';
import type { Observation, TransferFile } from '../lib/results.ts';
import { readChecked } from '../lib/storage/checked.ts';
import { pairKey, pairMap, type PairMap } from '../lib/transfer/agreement.ts';
import { analyseRun, type AnalyseInput } from '../lib/transfer/index.ts';
import { scoreLabel } from '../lib/report/approximations.ts';
import { pairScores, scaleOf, scoreSeconds, withinTargetAgreement } from '../lib/transfer/scoreComparison.ts';
import { runLayout } from '../lib/layout.ts';
import { isPlacebo } from '../lib/data/placebo.ts';

/** Read-only view of one run in s3rver's folder layout (each object stored as `<key>._S3rver_object`). */
class S3rverRunFolder implements ObjectStore {
  constructor(readonly bucketDir: string) {}
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(path.join(this.bucketDir, `${key}._S3rver_object`));
    } catch {
      return undefined;
    }
  }
  async put(): Promise<void> {
    throw new Error('read-only');
  }
  async list(prefix: string): Promise<string[]> {
    const { readdir } = await import('node:fs/promises');
    const dir = path.join(this.bucketDir, prefix);
    const names = await readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('._S3rver_object')).map((n) => `${prefix}${n.slice(0, -'._S3rver_object'.length)}`).sort();
  }
  async exists(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }
  describe(key: string): string {
    return path.join(this.bucketDir, key);
  }
}

/** <out>/s3/mtlc-local/runs/<runId> → the store and run id. */
function openRun(runDir: string): { store: ObjectStore; runId: string } {
  const runId = path.basename(runDir);
  return { store: new S3rverRunFolder(path.resolve(runDir, '..', '..')), runId };
}

// --retime <run folder>: a run that trained some of the reference grid's points again under the code that trained
// the approximation (same point ids, so the same steps): the grid's share is then also given at that code's seconds
// per step — a like-for-like share when the grid was trained by an older, slower trainer.
const { values } = parseArgs({ options: { curves: { type: 'string' }, approx: { type: 'string' }, retime: { type: 'string' } } });
if (!values.curves || !values.approx) throw new Error('usage: npm run agreement -- --curves <run folder> --approx <run folder> [--retime <run folder>]');
const curvesRun = openRun(values.curves);
const approxRun = openRun(values.approx);
const curvesTransfer = (await readChecked(curvesRun.store, runLayout(curvesRun.runId).transfer, StoredTransfer))!;
const approxTransfer = (await readChecked(approxRun.store, runLayout(approxRun.runId).transfer, StoredTransfer))!;

// The reference: the curves run's s_ij (pairwise grid if run, else the random design's joint fit), first split.
const design = curvesTransfer.pairwise.some((p) => p.design === 'pairwise') ? 'pairwise' : 'random';
const split = curvesTransfer.pairwise[0].split;
const rates = (t: TransferFile): PairMap => pairMap(pairScores(t, split)[design]);
const reference = rates(curvesTransfer);

// Split-half reliability: the same analysis on two disjoint halves of the replicates (folds) — of s_ij (the
// reference's ceiling) and of each cheap score (its own noise: a score that disagrees with itself across halves
// cannot agree with anything).
function halves(input: AnalyseInput): { folds: number[][]; transfers: TransferFile[]; observations: Observation[][] } {
  const all = [...new Set(input.points.map((p) => p.fold))].sort((a, b) => a - b);
  const half = Math.ceil(all.length / 2);
  const folds = [all.slice(0, half), all.slice(half)];
  const runs = folds.map((fs) => {
    const points = input.points.filter((p) => fs.includes(p.fold));
    const ids = new Set(points.map((p) => p.id));
    const config = { ...input.config, split: { ...input.config.split, useFolds: fs } };
    return analyseRun({ ...input, config, points, results: input.results.filter((r) => ids.has(r.id)) });
  });
  return { folds, transfers: runs.map((r) => r.transfer), observations: runs.map((r) => r.curves.observations) };
}

/**
 * Which cells of the pairwise grid carry s_ij (docs/methods.md, "Snapshot branches"): a cell (n_i, n_j)'s mean AUROC
 * of target i over one half's folds, taken as a score of the pair j → i, against the s_ij fitted on the other half;
 * the mean within-target ρ of the two pairings. A size is its grid value, or 'full' when it is all the task has.
 */
function gridCells(h: ReturnType<typeof halves>): { rows: string[]; columns: string[]; rho: (number | null)[][] } {
  const pairObs = h.observations.map((obs) => obs.filter((o) => o.split === split && o.source && !isPlacebo(o.source) && (o.nOther ?? 0) > 0 && (o.designs ?? [o.design]).includes('pairwise') && o.y !== null));
  const largest = new Map<string, number>();
  const note = (task: string, fold: number, n: number) => largest.set(`${task}\u0000${fold}`, Math.max(n, largest.get(`${task}\u0000${fold}`) ?? 0));
  for (const o of pairObs.flat()) {
    note(o.task, o.fold, o.n);
    note(o.source!, o.fold, o.nOther!);
  }
  const label = (task: string, fold: number, n: number) => (n === largest.get(`${task}\u0000${fold}`) ? 'full' : String(n));
  const sizes = [...new Set(pairObs.flat().map((o) => label(o.task, o.fold, o.n)))].sort((a, b) => (a === 'full' ? 1 : b === 'full' ? -1 : Number(a) - Number(b)));
  const rho = sizes.map((ni) =>
    sizes.map((nj) => {
      const values = [0, 1].map((k) => {
        const cell = new Map<string, number[]>();
        for (const o of pairObs[k]) {
          if (label(o.task, o.fold, o.n) !== ni || label(o.source!, o.fold, o.nOther!) !== nj) continue;
          const key = pairKey(o.source!, o.task);
          cell.set(key, [...(cell.get(key) ?? []), o.y!]);
        }
        const score: PairMap = new Map([...cell].map(([key, ys]) => [key, ys.reduce((a, b) => a + b, 0) / ys.length]));
        return withinTargetAgreement(score, rates(h.transfers[1 - k])).rho;
      });
      return values.some((v) => v === null) ? null : (values[0]! + values[1]!) / 2;
    }),
  );
  return { rows: sizes, columns: sizes, rho };
}
const input = await analyseInput({ ...curvesRun });
const curveHalves = halves(input);
const reliability = withinTargetAgreement(rates(curveHalves.transfers[0]), rates(curveHalves.transfers[1]));
const approxHalves = halves(await analyseInput({ ...approxRun }));

// What the full pairwise grid of the same tasks and folds would cost (the study-size model of lib/design).
const loaded = await loadPreparedRun({ ...curvesRun });
const gridConfig = { ...input.config, study: { ...input.config.study, designs: ['pairwise' as const], placebo: { sources: [] as string[] }, tag: { ...input.config.study.tag, enabled: false }, lookahead: { ...input.config.study.lookahead, enabled: false } } };
const assignment = loaded.splits.get(split)!;
const realTasks = loaded.dataset.labels.tasks.filter((t) => !t.endsWith('~placebo'));
const gridPlan = enumeratePoints(gridConfig, availableCounts(loaded.dataset.labels, [assignment], input.config.split.useFolds).filter((a) => realTasks.includes(a.task)));
const gridSeconds = gridPlan.points.reduce((s, p) => s + estimatePointSeconds(p), 0);

const approx = pairScores(approxTransfer, split);
const SCORES = ['lookahead', 'tag', 'tag_early', 'tag_heldout', 'tag_heldout_early'] as const;
const scores: [string, PairMap, number | null, number | null][] = SCORES.map((name) => {
  const [a, b] = approxHalves.transfers.map((t) => pairMap(pairScores(t, split)[name]));
  return [scoreLabel(name), pairMap(approx[name]), scoreSeconds(approxTransfer.cost, name), withinTargetAgreement(a, b).rho];
});
const loggedGrid = curvesTransfer.cost.pairwise?.seconds;
const retimed = values.retime ? retimeGrid(input, await analyseInput({ ...openRun(values.retime) })) : undefined;
const fmt = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '—' : v.toFixed(d));
const ci = (c: [number, number] | null) => (c ? `[${c[0].toFixed(2)}, ${c[1].toFixed(2)}]` : '—');
console.log(`# agreement with the ${design} s_ij of ${curvesRun.runId} (${reference.size} ordered pairs, ${split} split)\n`);
const rows = scores
  .filter(([, m]) => m.size > 0)
  .map(([name, m, seconds, own]) => {
    const w = withinTargetAgreement(m, reference);
    const shared = [...m.keys()].filter((k) => reference.has(k));
    const scale = scaleOf(shared.map((k) => m.get(k)!), shared.map((k) => reference.get(k)!));
    const share = (of: number | undefined) => (seconds === null || !of ? '—' : `${((100 * seconds) / of).toFixed(1)} %`);
    const extra = retimed ? [share(retimed.all), share(retimed.real)] : [];
    return [name, fmt(w.rho), ci(w.ci), String(w.targets), fmt(own), fmt(scale, 3), fmt(seconds, 0), share(loggedGrid), share(gridSeconds), ...extra];
  });
const dashes = (n: number) => new Array<string>(n).fill('—');
const tail = retimed ? 7 : 5;
rows.push([`split-half reliability of s_ij (folds ${curveHalves.folds.map((h) => h.join(',')).join(' vs ')})`, fmt(reliability.rho), ci(reliability.ci), String(reliability.targets), ...dashes(tail)]);
// Each half has half the replicates: the full data's reliability is higher (Spearman–Brown, 2r/(1 + r)), and a
// score without any noise of its own could correlate with the full-data s_ij at most √ of that.
const fullReliability = reliability.rho === null ? null : (2 * reliability.rho) / (1 + reliability.rho);
rows.push(['  full-data reliability (Spearman–Brown 2r/(1+r))', fmt(fullReliability), ...dashes(tail + 2)]);
rows.push(['  ceiling of a noiseless score (√ of that)', fmt(fullReliability === null || fullReliability < 0 ? null : Math.sqrt(fullReliability)), ...dashes(tail + 2)]);
console.log(
  formatTable(
    ['score', 'within-target ρ with s_ij', '95 % CI (targets)', 'targets', 'its own split-half ρ', 'scale (s_ij per unit)', 'compute s', 'share of the grid (logged)', 'share of the grid (model)', ...(retimed ? ['share of the grid (retimed)', 'of its real pairs (retimed)'] : [])],
    rows,
  ),
);
console.log(
  `\nThe pairwise grid of these ${realTasks.length} tasks (${gridPlan.points.length} trainings, the study's grid and folds) would take ≈ ${gridSeconds.toFixed(0)} s on one core ` +
    `(the study-size model of lib/design/size.ts); the ${design} design of the reference logged ${fmt(curvesTransfer.cost[design]?.seconds, 0)} s. ` +
    'Compute s: the wall seconds the points logged (the branches: their jobs plus the single-task curves; TAG: the runs it rides on), inflated when other work shared the cores.',
);
if (design === 'pairwise') {
  const cells = gridCells(curveHalves);
  console.log(`\n# which cells of the grid carry s_ij: a cell's mean AUROC of the target on one half of the folds against s_ij fitted on the other (within-target ρ, both pairings averaged); rows n_i, columns n_j\n`);
  console.log(formatTable(['n_i \\ n_j', ...cells.columns], cells.rows.map((ni, r) => [ni, ...cells.rho[r].map((v) => fmt(v))])));
}
if (retimed) {
  console.log(
    `Retimed: ${retimed.shared} of the grid's points trained again by ${values.retime} with the same steps, at ${(1000 * retimed.secondsPerStep).toFixed(2)} ms a step: ` +
      `the grid's ${retimed.steps.toLocaleString('en')} steps ≈ ${retimed.all.toFixed(0)} s (${retimed.real.toFixed(0)} s without its placebo sources).`,
  );
}

/**
 * The reference grid's seconds at the seconds per step of another run that trained some of its points again: the
 * pairwise points present in both with equal steps (the same training), Σ seconds / Σ steps there, times every
 * pairwise point's steps in the reference (all of them, and those without a placebo source).
 */
function retimeGrid(reference: AnalyseInput, again: AnalyseInput) {
  const grid = new Set(reference.points.filter((p) => p.uses.some((u) => u.design === 'pairwise')).map((p) => p.id));
  const real = new Set(reference.points.filter((p) => grid.has(p.id) && !Object.keys(p.sizes).some(isPlacebo)).map((p) => p.id));
  const old = new Map(reference.results.filter((r) => grid.has(r.id)).map((r) => [r.id, r]));
  const shared = again.results.filter((r) => old.get(r.id)?.steps === r.steps);
  if (shared.length === 0) throw new Error(`--retime: no point of the reference grid was trained again with the same steps in ${values.retime}`);
  const secondsPerStep = shared.reduce((s, r) => s + r.seconds, 0) / shared.reduce((s, r) => s + r.steps, 0);
  const steps = [...old.values()].reduce((s, r) => s + r.steps, 0);
  const realSteps = [...old.values()].filter((r) => real.has(r.id)).reduce((s, r) => s + r.steps, 0);
  return { shared: shared.length, secondsPerStep, steps, all: steps * secondsPerStep, real: realSteps * secondsPerStep };
}
