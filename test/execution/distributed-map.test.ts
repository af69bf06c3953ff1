// The local Distributed Map does what Step Functions documents: items from one JSON object in S3, ItemSelector,
// ItemBatcher's caps and BatchInput, MaxConcurrency, and the tolerated-failure threshold.
import { describe, expect, it } from 'vitest';
import { batchItems, LOCAL_DISTRIBUTED_MAP, readPath, rewriteDistributedMaps, runDistributedMap, statesError, type DistributedMapSpec } from '../../app/local/distributed-map.ts';

const spec = (extra: Partial<DistributedMapSpec> = {}): DistributedMapSpec => ({
  name: 'Train',
  ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', 'Key.$': '$.plan.key' } },
  ItemBatcher: { MaxItemsPerBatchPath: '$.plan.perJob', BatchInput: { 'runId.$': '$.runId' } },
  ItemProcessor: { StartAt: 'T', States: {} },
  MaxConcurrencyPath: '$.plan.concurrency',
  ...extra,
});

const input = { runId: 'r1', plan: { key: 'runs/r1/pending.json', perJob: 3, concurrency: 2 } };

/** A fake bucket with one object and a child runner that records its inputs and fails the inputs `fails` picks. */
function deps(items: unknown, fails: (input: { Items: string[] }) => boolean = () => false) {
  const seen: { Items: string[]; BatchInput: unknown }[] = [];
  let live = 0;
  let peak = 0;
  return {
    seen,
    peak: () => peak,
    readObject: async (bucket: string, key: string) => (bucket === 'b' && key === input.plan.key ? new TextEncoder().encode(JSON.stringify(items)) : undefined),
    runChild: (child: unknown) => {
      const c = child as { Items: string[]; BatchInput: unknown };
      seen.push(c);
      peak = Math.max(peak, ++live);
      const result = new Promise((resolve, reject) =>
        setTimeout(() => {
          live--;
          if (fails(c)) reject(Object.assign(new Error('job failed'), { cause: statesError('States.TaskFailed', `job ${JSON.stringify(child)} failed`) }));
          else resolve({ ok: true });
        }, 5),
      );
      return { result, abort: () => {} };
    },
  };
}

describe('local Distributed Map', () => {
  it('reads the items from the bucket and runs one child per batch of MaxItemsPerBatch, with the BatchInput, at most MaxConcurrency at once', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const d = deps(ids);
    const out = await runDistributedMap(spec(), input, d);
    expect(d.seen.map((c) => c.Items)).toEqual([['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6', 'p7']]);
    expect(d.seen.every((c) => (c.BatchInput as { runId: string }).runId === 'r1')).toBe(true);
    expect(d.peak()).toBe(2);
    expect(out).toMatchObject({ Items: 8, Children: 3, Succeeded: 3, Failed: 0 });
  });

  it('cuts batches at MaxInputBytesPerBatch too', () => {
    const items = Array.from({ length: 10 }, (_, i) => `point-${i}`.padEnd(100, 'x'));
    const batches = batchItems(items, { maxItems: 100, maxBytes: 450 }) as { Items: string[] }[];
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.flatMap((b) => b.Items)).toEqual(items);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(450);
    expect(() => batchItems(['y'.repeat(500)], { maxBytes: 450 })).toThrow(/does not fit one batch/);
  });

  it('fails past the tolerated failures with States.ExceedToleratedFailureThreshold, naming the first failure', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
    // No threshold: one failed child fails the map run.
    await expect(runDistributedMap(spec({ ItemBatcher: undefined }), input, deps(ids, (c) => (c as unknown as string) === 'p4'))).rejects.toMatchObject({
      name: 'States.ExceedToleratedFailureThreshold',
      message: expect.stringMatching(/1 of 10 item\(s\) failed \(1 of 10 child execution\(s\)\).*States\.TaskFailed: job/),
    });
    // 20 % tolerated: 2 of 10 failing children pass, 3 do not.
    const tolerant = spec({ ItemBatcher: undefined, ToleratedFailurePercentage: 20 });
    const failTwo = deps(ids, (c) => ['p1', 'p2'].includes(c as unknown as string));
    expect(await runDistributedMap(tolerant, input, failTwo)).toMatchObject({ Succeeded: 8, Failed: 2 });
    await expect(runDistributedMap(tolerant, input, deps(ids, (c) => ['p1', 'p2', 'p3'].includes(c as unknown as string)))).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
  });

  it('fails with States.ItemReaderFailed when the object is missing or holds no JSON list', async () => {
    await expect(runDistributedMap(spec(), { ...input, plan: { ...input.plan, key: 'elsewhere' } }, deps([]))).rejects.toMatchObject({ name: 'States.ItemReaderFailed', message: expect.stringMatching(/no object s3:\/\/b\/elsewhere/) });
    await expect(runDistributedMap(spec(), input, deps({ not: 'a list' }))).rejects.toMatchObject({ name: 'States.ItemReaderFailed', message: expect.stringMatching(/holds no JSON list/) });
  });

  it('finishes at once on an empty list', async () => {
    const d = deps([]);
    expect(await runDistributedMap(spec(), input, d)).toMatchObject({ Items: 0, Children: 0 });
    expect(d.seen).toEqual([]);
  });

  it('rewrites a Map with an ItemReader into a Task that keeps its transitions and Catch; other states stay', () => {
    const catcher = [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }];
    const { definition, maps } = rewriteDistributedMaps({
      StartAt: 'Train',
      States: { Train: { Type: 'Map', ...spec(), ResultPath: null, Next: 'Done', Catch: catcher }, Inline: { Type: 'Map', ItemsPath: '$.x', End: true }, Done: { Type: 'Succeed' } },
    });
    const states = definition.States as Record<string, Record<string, unknown>>;
    expect(states.Train).toMatchObject({ Type: 'Task', Resource: LOCAL_DISTRIBUTED_MAP, ResultPath: null, Next: 'Done', Catch: catcher });
    expect(states.Inline.Type).toBe('Map');
    expect([...maps.keys()]).toEqual(['Train']);
    expect(() => rewriteDistributedMaps({ StartAt: 'Train', States: { Train: { Type: 'Map', ...spec(), ResultSelector: { 'x.$': '$' }, End: true } } })).toThrow(
      /Distributed Map Train: the local runner does not apply ResultSelector/,
    );
  });

  it('reads plain paths only', () => {
    expect(readPath('$.plan.key', input)).toBe(input.plan.key);
    expect(readPath('$$.Map.Item.Value', {}, { Map: { Item: { Value: 7 } } })).toBe(7);
    expect(() => readPath('$.plan.missing', input)).toThrow(/could not be found/);
    expect(() => readPath('$.items[0]', input)).toThrow(/only plain paths/);
  });
});
