// Many small reads from the bucket at once, but not all at once: a large study has thousands of files.

/** fn over every item with at most `concurrency` calls in flight; results in item order. */
export async function mapBounded<I, O>(items: readonly I[], fn: (item: I) => Promise<O>, concurrency = 32): Promise<O[]> {
  const out: O[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
