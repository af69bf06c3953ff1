// The DeepDTA downloader against a local HTTP server serving ../shared/data/upstream, checked row by
// row against the shipped long-format files.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../lib/data/builtin.ts';
import { readCsv } from '../../lib/data/csv.ts';
import { downloadBuiltin, DownloadError, orderedJsonEntries, pKdFromNanomolar } from '../../lib/data/download.ts';
import { locateBuiltin } from '../../lib/data/location.ts';
import { ConfigError, InputError } from '../../lib/errors.ts';
import { dataDir } from '../helpers/paths.ts';
import { tempDir } from './tmpfiles.ts';

const upstream = path.join(dataDir, 'upstream');
let server: http.Server;
let baseUrl = '';
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(url);
    if (url.startsWith('/tampered/')) {
      res.end('{"X": "C"}');
      return;
    }
    const file = path.join(upstream, path.normalize(url));
    if (!file.startsWith(upstream) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    createReadStream(file).pipe(res);
  });
  // Idle keep-alive sockets outlive slow tests on a busy machine instead of closing under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** compound|target → value column of a long file. */
function pairs(file: string, column: string): Map<string, number> {
  const t = readCsv(file);
  const [c, tg, v] = ['compound_id', 'target_id', column].map((h) => t.header.indexOf(h));
  return new Map(t.rows.map((r) => [`${r[c]}|${r[tg]}`, Number(r[v])]));
}

describe('DeepDTA download', () => {
  it('KIBA: converts the tab-separated matrix to exactly the shipped long rows', async () => {
    const dest = tempDir('mtlc-dl-');
    await downloadBuiltin('kiba', dest, baseUrl);
    const ours = pairs(path.join(dest, 'kiba.csv.gz'), 'kiba_score');
    const shipped = pairs(path.join(dataDir, 'kiba.csv.gz'), 'kiba_score');
    expect(ours.size).toBe(118254);
    expect(ours).toEqual(shipped);
    expect(ours.get('CHEMBL1087421|O00141')).toBe(11.1);
    const table = loadBuiltin('kiba', dest);
    expect(table.label.reduce((s, x) => s + x, 0)).toBe(24828);
    // Compounds in the order of ligands_can.txt, with the shipped SMILES.
    const shippedCompounds = readCsv(path.join(dataDir, 'kiba_compounds.csv.gz'));
    expect(table.compoundIds).toEqual(shippedCompounds.rows.map((r) => r[0]));
    expect(table.smiles).toEqual(shippedCompounds.rows.map((r) => r[1]));
    expect(readCsv(path.join(dest, 'kiba_targets.csv.gz')).rows.length).toBe(229);
  });

  it('Davis: keeps the id order of the JSON (numeric PubChem ids) and computes pKd from Kd', async () => {
    const dest = tempDir('mtlc-dl-');
    await downloadBuiltin('davis', dest, baseUrl);
    const ours = pairs(path.join(dest, 'davis.csv.gz'), 'pKd');
    expect(ours).toEqual(pairs(path.join(dataDir, 'davis.csv.gz'), 'pKd'));
    expect(pairs(path.join(dest, 'davis.csv.gz'), 'kd_nM')).toEqual(pairs(path.join(dataDir, 'davis.csv.gz'), 'kd_nM'));
    const table = loadBuiltin('davis', dest);
    expect(table.label.length).toBe(30056);
    expect(table.label.reduce((s, x) => s + x, 0)).toBe(2502);
    expect(table.compoundIds.slice(0, 3)).toEqual(['11314340', '24889392', '11409972']);
    expect(ours.get('11314340|AAK1')).toBe(7.366532);
  });

  it('pKd = 9 − log10(Kd/nM): 100 nM is exactly 7, 10 µM is 5', () => {
    expect(pKdFromNanomolar(100)).toBe(7);
    expect(pKdFromNanomolar(10000)).toBe(5);
    expect(pKdFromNanomolar(43)).toBe(7.366532);
  });

  it('keeps JSON key order even for integer-like keys', () => {
    expect(orderedJsonEntries('{"20": "a", "3": "b", "x\\"y": "c\\u0041"}', 't')).toEqual([
      ['20', 'a'],
      ['3', 'b'],
      ['x"y', 'cA'],
    ]);
  });

  it('fails with the URL on HTTP errors and on content that differs from the pinned commit', async () => {
    const dest = tempDir('mtlc-dl-');
    await expect(downloadBuiltin('kiba', dest, `${baseUrl}/missing`)).rejects.toThrow(/cannot download http:\/\/127\.0\.0\.1:\d+\/missing\/data\/kiba\/.*HTTP 404/);
    await expect(downloadBuiltin('davis', dest, `${baseUrl}/tampered`)).rejects.toThrow(DownloadError);
    await expect(downloadBuiltin('davis', dest, `${baseUrl}/tampered`)).rejects.toThrow(/tampered\/data\/davis\/.*: content differs from DeepDTA commit .*sha256 [0-9a-f]{64}, expected e2c3d003/);
    expect(existsSync(path.join(dest, 'davis.csv.gz'))).toBe(false);
  });

  it('locateBuiltin downloads once into <cache>/data, then reuses it', async () => {
    const cacheDir = tempDir('mtlc-cache-');
    const saved = process.env.MTLC_DATA_DIR;
    delete process.env.MTLC_DATA_DIR;
    try {
      const fetched = () => requests.filter((r) => r.startsWith('/data/davis/')).length;
      const before = fetched();
      const first = await locateBuiltin('davis', { download: true }, { cacheDir, baseUrl });
      expect(first).toEqual({ dir: path.join(cacheDir, 'data'), origin: 'cache', downloaded: true });
      expect(fetched() - before).toBe(4);
      const second = await locateBuiltin('davis', { download: true }, { cacheDir, baseUrl });
      expect(second.downloaded).toBe(false);
      expect(fetched() - before).toBe(4);
      expect(readFileSync(path.join(cacheDir, 'data', 'davis.csv.gz')).length).toBeGreaterThan(0);

      await expect(locateBuiltin('kiba', { download: false }, { cacheDir: tempDir('mtlc-cache-') })).rejects.toThrow(ConfigError);
      await expect(locateBuiltin('kiba', { download: false }, { cacheDir: tempDir('mtlc-cache-') })).rejects.toThrow(/dataset\.download/);
    } finally {
      if (saved !== undefined) process.env.MTLC_DATA_DIR = saved;
    }
  });

  it('an explicitly named folder without the files is an error, never a silent download', async () => {
    const empty = tempDir('mtlc-empty-');
    await expect(locateBuiltin('kiba', { download: true, dataDir: empty }, { baseUrl })).rejects.toThrow(InputError);
    await expect(locateBuiltin('kiba', { download: true, dataDir: empty }, { baseUrl })).rejects.toThrow(/not in .*chosen by dataset\.dataDir/);
  });
});
