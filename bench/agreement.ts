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
import type { TransferFile } from '../lib/results.ts';
import { readChecked } from '../lib/storage/checked.ts';
import { pairMap, type PairMap } from '../lib/transfer/agreement.ts';
import { analyseRun, type AnalyseInput } from '../lib/transfer/index.ts';
import { scoreLabel } from '../lib/report/approximations.ts';
import { pairScores, scaleOf, scoreSeconds, withinTargetAgreement } from '../lib/transfer/scoreComparison.ts';
import { runLayout } from '../lib/layout.ts';

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

const { values } = parseArgs({ options: { curves: { type: 'string' }, approx: { type: 'string' } } });
if (!values.curves || !values.approx) throw new Error('usage: npm run agreement -- --curves <run folder> --approx <run folder>');
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
function halves(input: AnalyseInput): { folds: number[][]; transfers: TransferFile[] } {
  const all = [...new Set(input.points.map((p) => p.fold))].sort((a, b) => a - b);
  const half = Math.ceil(all.length / 2);
  const folds = [all.slice(0, half), all.slice(half)];
  const transfers = folds.map((fs) => {
    const points = input.points.filter((p) => fs.includes(p.fold));
    const ids = new Set(points.map((p) => p.id));
    const config = { ...input.config, split: { ...input.config.split, useFolds: fs } };
    return analyseRun({ ...input, config, points, results: input.results.filter((r) => ids.has(r.id)) }).transfer;
  });
  return { folds, transfers };
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
    return [name, fmt(w.rho), ci(w.ci), String(w.targets), fmt(own), fmt(scale, 3), fmt(seconds, 0), share(loggedGrid), share(gridSeconds)];
  });
rows.push([`split-half reliability of s_ij (folds ${curveHalves.folds.map((h) => h.join(',')).join(' vs ')})`, fmt(reliability.rho), ci(reliability.ci), String(reliability.targets), '—', '—', '—', '—', '—']);
// Each half has half the replicates: the full data's reliability is higher (Spearman–Brown, 2r/(1 + r)), and a
// score without any noise of its own could correlate with the full-data s_ij at most √ of that.
const fullReliability = reliability.rho === null ? null : (2 * reliability.rho) / (1 + reliability.rho);
rows.push(['  full-data reliability (Spearman–Brown 2r/(1+r))', fmt(fullReliability), '—', '—', '—', '—', '—', '—', '—']);
rows.push(['  ceiling of a noiseless score (√ of that)', fmt(fullReliability === null || fullReliability < 0 ? null : Math.sqrt(fullReliability)), '—', '—', '—', '—', '—', '—', '—']);
console.log(
  formatTable(
    ['score', 'within-target ρ with s_ij', '95 % CI (targets)', 'targets', 'its own split-half ρ', 'scale (s_ij per unit)', 'compute s', 'share of the grid (logged)', 'share of the grid (model)'],
    rows,
  ),
);
console.log(
  `\nThe pairwise grid of these ${realTasks.length} tasks (${gridPlan.points.length} trainings, the study's grid and folds) would take ≈ ${gridSeconds.toFixed(0)} s on one core ` +
    `(the study-size model of lib/design/size.ts); the ${design} design of the reference logged ${fmt(curvesTransfer.cost[design]?.seconds, 0)} s. ` +
    'Compute s: the wall seconds the points logged (the branches: their jobs plus the single-task curves; TAG: the runs it rides on), inflated when other work shared the cores.',
);
