// writeReport / loadReportInput / `mtlc report` against a folder laid out as the bucket.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as reportCommand } from '../../app/cli/commands/report.ts';
import { InputError } from '../../lib/errors.ts';
import { runLayout } from '../../lib/layout.ts';
import { loadReportInput } from '../../lib/report/load.ts';
import { writeReport } from '../../lib/report/write.ts';
import { FolderStore } from '../../lib/storage/folder.ts';
import { putJson } from '../../lib/storage/port.ts';
import { openLocalBucket } from '../../app/local/bucket.ts';
import type { ObjectStore } from '../../lib/storage/port.ts';
import { failedRun } from './fixtures.ts';

let root: string;
let store: FolderStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mtlc-report-'));
  store = new FolderStore(root);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** Lays out a finished run in the bucket: config, prepared data-set summary, curves and transfer results. */
async function layOut(runId: string, opts: { gzipDataset?: boolean; into?: ObjectStore } = {}) {
  const store_ = opts.into ?? store;
  const input = failedRun();
  const l = runLayout(runId);
  await store_.put(l.config, JSON.stringify({ title: input.config.title, study: { designs: input.config.study.designs } }));
  const dataset = { format: 'mtlc-prepared-v1', name: 'kiba', summary: input.dataset.summary, excluded: input.dataset.excluded, invalidSmiles: [{ compoundId: 'c1', smiles: 'C1CC' }], notes: input.dataset.notes };
  if (opts.gzipDataset) await store_.put(l.dataset, gzipSync(JSON.stringify(dataset)));
  else await putJson(store_, l.dataset, dataset);
  await putJson(store_, l.curves, { ...input.curves, runId });
  await putJson(store_, l.transfer, { ...input.transfer, runId });
  return input;
}

describe('loadReportInput', () => {
  it('reads config, the prepared data set (gzipped or not) and the results', async () => {
    const input = await layOut('r1', { gzipDataset: true });
    const loaded = await loadReportInput(store, 'r1', { generatedAt: 'T' });
    expect(loaded.config.title).toBe(input.config.title);
    expect(loaded.config.study.seeds).toBe(1); // defaults filled in
    expect(loaded.dataset).toEqual({ name: 'kiba', summary: input.dataset.summary, excluded: input.dataset.excluded, invalidSmiles: 1, skippedCompounds: ['c1'], notes: input.dataset.notes });
    expect(loaded.environment.backend).toBe('wasm');
    expect(loaded.environment.device).toBe('cpu (2 cores)');
    expect(loaded.environment.versions['node (report)']).toBe(process.version);
    expect(loaded.curves.observations).toHaveLength(input.curves.observations.length);
    expect(loaded.generatedAt).toBe('T');
  });

  it('names the missing file when the run has not finished', async () => {
    await layOut('r1');
    await rm(path.join(root, runLayout('r1').transfer));
    await expect(loadReportInput(store, 'r1')).rejects.toThrow(InputError);
    await expect(loadReportInput(store, 'r1')).rejects.toThrow(/results\/transfer\.json: missing: transfer\.json \(written by the Transfer step/);
  });

  it('names the field of a malformed results file', async () => {
    await layOut('r1');
    await putJson(store, runLayout('r1').curves, { runId: 'r1', metric: 'auroc', observations: [], fits: {}, comparison: [] });
    await expect(loadReportInput(store, 'r1')).rejects.toThrow(/curves\.json is corrupt: field 'fits': .*expected array, received object/);
    await putJson(store, runLayout('r1').curves, { runId: 'r1', metric: 'auroc', observations: [], fits: [{ task: 'A', design: 'single', split: 'random', model: 'exp3', params: {}, sse: 0, nPoints: 3 }], comparison: [] });
    await expect(loadReportInput(store, 'r1')).rejects.toThrow(/curves\.json is corrupt: field 'fits\.0\.status'/);
  });
});

describe('writeReport', () => {
  it('writes report.html, every plot as SVG and PNG, and the CSV tables under results/', async () => {
    await layOut('r1');
    const keys = await writeReport(store, 'r1', await loadReportInput(store, 'r1'));
    const l = runLayout('r1');
    expect(keys.at(-1)).toBe(l.report);
    expect(keys).toContain(`${l.plots}learning-curves-random.svg`);
    expect(keys).toContain(`${l.plots}learning-curves-random.png`);
    expect(keys).toContain(`${l.results}transfer-contextual.csv`);
    expect(await store.list(l.results)).toEqual([...keys, l.curves, l.transfer].sort());
    const html = await readFile(path.join(root, l.report), 'utf8');
    expect(html).toContain('id="warnings"');
    // The compounds skipped for an invalid SMILES are named, not only counted.
    expect(html).toContain("<dt>Invalid SMILES skipped</dt><dd>1: c1</dd>");
    // KDR's unbounded profile end went through transfer.json as null and is shown as ∞ again.
    const stored = JSON.parse(await readFile(path.join(root, l.transfer), 'utf8')) as { contextual: { task: string; independentPoints: { profileCi: (number | null)[] } }[] };
    expect(stored.contextual.find((c) => c.task === 'KDR')!.independentPoints.profileCi[1]).toBeNull();
    expect(html).toMatch(/<td>KDR<\/td>(<td[^>]*>(<span[^>]*>)?[^<]*(<\/span>)?<\/td>){10}<td class="num">\[[^\]]+, ∞\]<\/td><\/tr>/);
  });
});

describe('mtlc report', () => {
  it('regenerates the report from a bucket folder with one run', async () => {
    await layOut('only-run');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await reportCommand([root])).toBe(0);
    expect(log.mock.calls[0][0]).toContain(path.join(root, runLayout('only-run').report));
    expect(await store.exists(runLayout('only-run').report)).toBe(true);
  });

  it('accepts a run folder itself, and asks for --run-id when the bucket holds several runs', async () => {
    await layOut('a');
    await layOut('b');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(reportCommand([root])).rejects.toThrow(/--run-id.*2 runs \(a, b\)/);
    expect(await reportCommand([root, '--run-id', 'b'])).toBe(0);
    expect(await store.exists(runLayout('b').report)).toBe(true);
    expect(await store.exists(runLayout('a').report)).toBe(false);
    expect(await reportCommand([path.join(root, 'runs', 'a')])).toBe(0);
    expect(await store.exists(runLayout('a').report)).toBe(true);
  });

  it("takes a bare run id as that run in ./mtlc-out, mtlc run's default folder", async () => {
    store = new FolderStore(path.join(root, 'mtlc-out'));
    await layOut('by-id');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await reportCommand(['by-id'])).toBe(0);
      await expect(reportCommand(['no-such-run'])).rejects.toThrow(/no-such-run|no runs/);
    } finally {
      process.chdir(cwd);
    }
    expect(await store.exists(runLayout('by-id').report)).toBe(true);
  });

  it('rejects a folder without runs and bad arguments', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    await writeFile(path.join(empty, 'x.txt'), 'x');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(reportCommand([empty])).rejects.toThrow(/no runs found/);
    expect(await reportCommand([])).toBe(2);
    expect(await reportCommand([root, '--bogus'])).toBe(2);
    expect(err).toHaveBeenCalled();
  });

  it("regenerates a local run's report inside its embedded bucket and beside the exported results", async () => {
    const bucket = await openLocalBucket(root);
    try {
      await layOut('local-run', { into: bucket.store });
    } finally {
      await bucket.close();
    }
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await reportCommand([root])).toBe(0);
    // the exported copy `mtlc run --out` leaves for the user
    expect(await readFile(path.join(root, runLayout('local-run').report), 'utf8')).toContain('id="warnings"');
    const again = await openLocalBucket(root);
    try {
      expect(await again.store.exists(runLayout('local-run').report)).toBe(true);
      expect(await again.store.exists(`${runLayout('local-run').plots}compute-cost.png`)).toBe(true);
    } finally {
      await again.close();
    }
  });
});
