// Seeded pseudo-random numbers: every random choice in the splits derives from a text key, so the
// same (seed, fold, task) gives the same order on any machine.
import { createHash } from 'node:crypto';

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded with 128 bits of SHA-256 of `key`. Returns uniform [0, 1). */
export function rngFromKey(key: string): () => number {
  const h = createHash('sha256').update(key).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the state before use
  return next;
}

/** Fisher–Yates shuffle in place with the given generator. */
export function shuffleInPlace<T extends Int32Array | unknown[]>(xs: T, random: () => number): T {
  const arr = xs as { [i: number]: unknown; length: number };
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return xs;
}
