// AWS's Distributed Map, for the local runner. aws-local-stepfunctions runs a Map inline over ItemsPath and has
// no ItemReader or ItemBatcher, so the runner rewrites each Map that reads its items from S3 into a Task whose
// local handler does what Step Functions does: read the JSON list from the bucket, apply ItemSelector, group the
// items as ItemBatcher says ({BatchInput, Items}), run the ItemProcessor once per batch as a child execution, at
// most MaxConcurrency at a time, and fail with States.ExceedToleratedFailureThreshold past the tolerated failures.

/** The Resource of the Task that stands for a Distributed Map locally. */
export const LOCAL_DISTRIBUTED_MAP = 'arn:aws:states:::mtlc-local:distributedMap';

type Json = unknown;
type States = Record<string, Record<string, Json>>;

/** A Distributed Map state as the template defines it (the fields the local runner honours). */
export interface DistributedMapSpec {
  name: string;
  ItemReader: { Resource: string; ReaderConfig?: { InputType?: string; MaxItems?: number }; Parameters: Record<string, Json> };
  ItemSelector?: Record<string, Json>;
  ItemBatcher?: { MaxItemsPerBatch?: number; MaxItemsPerBatchPath?: string; MaxInputBytesPerBatch?: number; MaxInputBytesPerBatchPath?: string; BatchInput?: Record<string, Json> };
  ItemProcessor: { StartAt: string; States: States };
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number;
  ToleratedFailurePercentagePath?: string;
  ToleratedFailureCount?: number;
  ToleratedFailureCountPath?: string;
}

/** A Step Functions error (name = the error code a Catch matches). */
export function statesError(name: string, cause: string): Error {
  return Object.assign(new Error(cause), { name });
}

/**
 * Replaces every top-level Map that has an ItemReader by a Task with LOCAL_DISTRIBUTED_MAP as its Resource (its
 * Next/End, ResultPath, Retry and Catch kept), and returns the Maps by state name.
 */
export function rewriteDistributedMaps(definition: Record<string, Json>): { definition: Record<string, Json>; maps: Map<string, DistributedMapSpec> } {
  const maps = new Map<string, DistributedMapSpec>();
  const states: States = {};
  for (const [name, state] of Object.entries(definition.States as States)) {
    if (state.Type !== 'Map' || !state.ItemReader) {
      states[name] = state;
      continue;
    }
    // Fields this runner does not apply are refused, not ignored: a template that starts using one needs it here.
    const unsupported = ['InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ItemsPath'].filter((f) => f in state);
    if (unsupported.length) throw new Error(`Distributed Map ${name}: the local runner does not apply ${unsupported.join(', ')}`);
    const { Next, End, ResultPath, Retry, Catch, Comment } = state;
    const processor = state.ItemProcessor as { StartAt: string; States: States };
    maps.set(name, { ...(state as unknown as DistributedMapSpec), name, ItemProcessor: { StartAt: processor.StartAt, States: processor.States } });
    // A Map has no timeout of its own; without one aws-local-stepfunctions would give the Task 60 s. (23 days: the
    // longest a Node timer holds; ASL's own maximum, 99,999,999 s, would overflow it and fire at once.)
    states[name] = Object.fromEntries(
      Object.entries({ Type: 'Task', Resource: LOCAL_DISTRIBUTED_MAP, TimeoutSeconds: 2_000_000, Next, End, ResultPath, Retry, Catch, Comment }).filter(([, v]) => v !== undefined),
    );
  }
  return { definition: { ...definition, States: states }, maps };
}

/** Reads a reference path: `$`, `$.a.b` (state input) or `$$.a.b` (context object). Anything richer is refused. */
export function readPath(reference: string, input: Json, context: Json = {}): Json {
  const m = /^(\$\$?)((?:\.[A-Za-z0-9_-]+)*)$/.exec(reference);
  if (!m) throw statesError('States.Runtime', `the local runner reads only plain paths ($.a.b, $$.a.b), not '${reference}'`);
  let value = m[1] === '$$' ? context : input;
  for (const key of m[2].split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw statesError('States.Runtime', `the path '${reference}' could not be found in the input`);
    value = (value as Record<string, Json>)[key];
  }
  return value;
}

/** A payload template: keys ending in `.$` take the value at their path; everything else is copied. */
export function selectPayload(template: Json, input: Json, context: Json = {}): Json {
  if (Array.isArray(template)) return template.map((t) => selectPayload(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(value as string, input, context);
    else out[key] = selectPayload(value, input, context);
  }
  return out;
}

const bytesOf = (value: Json) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A field that may be given as a number or read from a path of the state input. */
function numberField(spec: Record<string, Json>, field: string, input: Json): number | undefined {
  const direct = spec[field];
  if (typeof direct === 'number') return direct;
  const path = spec[`${field}Path`];
  if (typeof path !== 'string') return undefined;
  const value = readPath(path, input);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw statesError('States.Runtime', `${field}Path '${path}' must name a non-negative number, got ${JSON.stringify(value)}`);
  return value;
}

/** Groups items as ItemBatcher does: as many as fit both caps, in order (AWS's batch input limit is 256 KiB). */
export function batchItems(items: Json[], caps: { maxItems?: number; maxBytes?: number; batchInput?: Json }): Json[] {
  const maxItems = caps.maxItems || Infinity;
  const maxBytes = Math.min(caps.maxBytes || 262_144, 262_144);
  const batches: Json[] = [];
  let current: Json[] = [];
  const wrap = (list: Json[]) => (caps.batchInput === undefined ? { Items: list } : { BatchInput: caps.batchInput, Items: list });
  for (const item of items) {
    if (current.length && (current.length >= maxItems || bytesOf(wrap([...current, item])) > maxBytes)) {
      batches.push(wrap(current));
      current = [];
    }
    if (bytesOf(wrap([item])) > maxBytes) throw statesError('States.Runtime', `an item of ${bytesOf(item)} bytes does not fit one batch of at most ${maxBytes} bytes`);
    current.push(item);
  }
  if (current.length) batches.push(wrap(current));
  return batches;
}

export interface DistributedMapDeps {
  /** An object of the bucket the ItemReader names, or undefined when there is none. */
  readObject(bucket: string, key: string): Promise<Uint8Array | undefined>;
  /** Runs the ItemProcessor on one child input; rejects with the child's error (name = its error code). */
  runChild(input: Json): { result: Promise<Json>; abort(): void };
  /** Aborted when the parent execution is stopped: no child starts, running ones are stopped. */
  signal?: AbortSignal;
}

/** Runs one Distributed Map on its state input; resolves with the map-run summary the state outputs. */
export async function runDistributedMap(spec: DistributedMapSpec, input: Json, deps: DistributedMapDeps): Promise<Json> {
  const reader = spec.ItemReader;
  if (reader.Resource !== 'arn:aws:states:::s3:getObject' || (reader.ReaderConfig?.InputType ?? 'JSON') !== 'JSON') {
    throw statesError('States.Runtime', `${spec.name}: the local runner reads items only from one JSON object (s3:getObject, InputType JSON)`);
  }
  const { Bucket, Key } = selectPayload(reader.Parameters, input) as { Bucket: string; Key: string };
  const bytes = await deps.readObject(Bucket, Key);
  if (!bytes) throw statesError('States.ItemReaderFailed', `${spec.name}: no object s3://${Bucket}/${Key}`);
  let parsed: Json;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw statesError('States.ItemReaderFailed', `${spec.name}: s3://${Bucket}/${Key} is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw statesError('States.ItemReaderFailed', `${spec.name}: s3://${Bucket}/${Key} holds no JSON list`);
  const items: Json[] = reader.ReaderConfig?.MaxItems ? parsed.slice(0, reader.ReaderConfig.MaxItems) : parsed;
  const selected = items.map((value, index) => (spec.ItemSelector ? selectPayload(spec.ItemSelector, input, { Map: { Item: { Index: index, Value: value } } }) : value));

  const batcher = spec.ItemBatcher as Record<string, Json> | undefined;
  const children = batcher
    ? batchItems(selected, {
        maxItems: numberField(batcher, 'MaxItemsPerBatch', input),
        maxBytes: numberField(batcher, 'MaxInputBytesPerBatch', input),
        batchInput: batcher.BatchInput === undefined ? undefined : selectPayload(batcher.BatchInput, input),
      })
    : selected;

  const fields = spec as unknown as Record<string, Json>;
  const concurrency = numberField(fields, 'MaxConcurrency', input) || 10_000;
  // With neither threshold any failure fails the map run; with one or both, passing either does. Step Functions
  // counts items: every item of a failed batch has failed.
  const sizeOf = (child: Json) => (batcher ? (child as { Items: Json[] }).Items.length : 1);
  const toleratedPercent = numberField(fields, 'ToleratedFailurePercentage', input);
  const toleratedCount = numberField(fields, 'ToleratedFailureCount', input);
  const overThreshold = (failed: number) =>
    (toleratedPercent === undefined && toleratedCount === undefined) ||
    (toleratedCount !== undefined && failed > toleratedCount) ||
    (toleratedPercent !== undefined && (failed * 100) / Math.max(items.length, 1) > toleratedPercent);

  let next = 0;
  let succeeded = 0;
  let failedItems = 0;
  const failures: { error: string; cause: string }[] = [];
  const running = new Set<{ abort(): void }>();
  let stop: Error | undefined;
  const abortAll = () => running.forEach((r) => r.abort());
  deps.signal?.addEventListener('abort', abortAll, { once: true });
  const worker = async () => {
    while (!stop && !deps.signal?.aborted && next < children.length) {
      const input = children[next++];
      const child = deps.runChild(input);
      running.add(child);
      try {
        await child.result;
        succeeded++;
      } catch (err) {
        const e = err as Error & { cause?: Error };
        if (stop || deps.signal?.aborted) continue; // stopped by the threshold or the parent: not a failure of its own
        failures.push({ error: e.cause?.name ?? e.name, cause: e.cause?.message ?? e.message });
        failedItems += sizeOf(input);
        if (overThreshold(failedItems)) {
          const first = failures[0];
          stop = statesError('States.ExceedToleratedFailureThreshold', `${spec.name}: ${failedItems} of ${items.length} item(s) failed (${failures.length} of ${children.length} child execution(s)), over the tolerated threshold; the first: ${first.error}: ${first.cause}`);
          abortAll();
        }
      } finally {
        running.delete(child);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, children.length) }, worker));
  } finally {
    deps.signal?.removeEventListener('abort', abortAll);
  }
  if (stop) throw stop;
  if (deps.signal?.aborted) throw statesError('States.Runtime', `${spec.name}: the execution was stopped`);
  return { MapRun: spec.name, Items: items.length, Children: children.length, Succeeded: succeeded, Failed: failures.length };
}
