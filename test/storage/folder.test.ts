// The folder store writes atomically: a failed write leaves neither half a file nor a temporary copy.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../lib/storage/folder.ts';
import { CorruptDocumentError } from '../../lib/storage/checked.ts';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { readChecked } from '../../lib/storage/checked.ts';

const Doc = z.object({ id: z.string(), n: z.number() });

describe('FolderStore', () => {
  it('leaves no *.tmp behind when a write fails', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-folder-'));
    const store = new FolderStore(root);
    // The target is a non-empty folder: the rename fails after the temporary file was written.
    mkdirSync(path.join(root, 'runs', 'r', 'x.json'), { recursive: true });
    writeFileSync(path.join(root, 'runs', 'r', 'x.json', 'keep'), '');
    await expect(store.put('runs/r/x.json', '{}')).rejects.toThrow();
    expect(readdirSync(path.join(root, 'runs', 'r')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names a corrupt JSON document by its location', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-folder-'));
    const store = new FolderStore(root);
    await store.put('runs/r/points/p.json', '{"id": "p", "metr');
    await expect(readChecked(store, 'runs/r/points/p.json', Doc)).rejects.toThrow(CorruptDocumentError);
    await expect(readChecked(store, 'runs/r/points/p.json', Doc)).rejects.toThrow(/runs\/r\/points\/p\.json is corrupt: not valid JSON \(17 bytes;/);
  });

  it('reads gzipped documents through the same check, and names a truncated one and a wrong field', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mtlc-folder-'));
    const store = new FolderStore(root);
    const zipped = gzipSync(JSON.stringify({ id: 'p', n: 3 }));
    await store.put('runs/r/a.json.gz', zipped);
    expect(await readChecked(store, 'runs/r/a.json.gz', Doc)).toEqual({ id: 'p', n: 3 });
    await store.put('runs/r/b.json.gz', zipped.subarray(0, zipped.length - 6));
    await expect(readChecked(store, 'runs/r/b.json.gz', Doc)).rejects.toThrow(/runs\/r\/b\.json\.gz is corrupt: not a whole gzip stream/);
    await store.put('runs/r/c.json', JSON.stringify({ id: 'p', n: 'three' }));
    await expect(readChecked(store, 'runs/r/c.json', Doc)).rejects.toThrow(/runs\/r\/c\.json is corrupt: field 'n': .*expected number/);
    expect(await readChecked(store, 'runs/r/absent.json', Doc)).toBeUndefined();
  });
});
