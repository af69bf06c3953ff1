// The embedded S3 must list more keys than one S3 page (1000): a study has thousands of points.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLocalBucket, type LocalBucket } from '../../app/local/index.ts';

let dir: string;
let bucket: LocalBucket;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mtlc-bucket-'));
  bucket = await openLocalBucket(dir);
});
afterAll(async () => {
  await bucket.close();
  await rm(dir, { recursive: true, force: true });
});

it('lists 1005 keys under a prefix, in order, and reads them back', async () => {
  const keys = Array.from({ length: 1005 }, (_, i) => `runs/r/points/p${String(i).padStart(4, '0')}.json`);
  for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => bucket.store.put(k, '{}')));
  await bucket.store.put('runs/r/status.json', '{}');
  expect(await bucket.store.list('runs/r/points/')).toEqual(keys);
  expect(Buffer.from((await bucket.store.get(keys[1004]))!).toString()).toBe('{}');
});

it('a write the bucket cannot store is one line naming the key, not an SDK stack', async () => {
  // A plain file where the key needs a folder: the embedded S3 fails the write as a full disk would.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dir, 's3', bucket.bucket, 'blocked'), '');
  await expect(bucket.store.put('blocked/x.json', '{}')).rejects.toThrow(/^cannot write s3:\/\/mtlc-local\/blocked\/x\.json: \w+ \(HTTP 5\d\d\): .*disk is full$/);
});

it('lists thousands of keys without opening a file descriptor per key at once (s3rver reads every listed object\'s metadata)', async () => {
  const { readdirSync } = await import('node:fs');
  const fds = () => readdirSync('/proc/self/fd').length;
  for (let i = 0; i < 3000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => bucket.store.put(`runs/many/points/p-${String(i + j).padStart(5, '0')}.json`, '{}')));
  let peak = fds();
  const sampler = setInterval(() => (peak = Math.max(peak, fds())), 2);
  const keys = await bucket.store.list('runs/many/points/');
  clearInterval(sampler);
  expect(keys).toHaveLength(3000);
  // Unbounded, the listing held ~2 descriptors per key (6,000 here); 27,000 points ran out of 20,000.
  expect(peak).toBeLessThan(1000);
});
