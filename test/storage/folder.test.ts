// The folder store writes atomically: a failed write leaves neither half a file nor a temporary copy.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../lib/storage/folder.ts';
import { CorruptDocumentError } from '../../lib/storage/checked.ts';
import { getJson } from '../../lib/storage/port.ts';

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
    await expect(getJson(store, 'runs/r/points/p.json')).rejects.toThrow(CorruptDocumentError);
    await expect(getJson(store, 'runs/r/points/p.json')).rejects.toThrow(/runs\/r\/points\/p\.json is corrupt: not valid JSON \(17 bytes;/);
  });
});
