// mtlc's CPU kernels, in AssemblyScript (compiled by `npm run build:kernels` to ../compiled.ts). They import the
// tfjs wasm backend's memory and work on tensors where they lie; every pointer is a byte offset into it. Every
// float sum runs in one fixed order (entries ascending), so the single and the batched trainer, which call
// different kernels for the same sums, get the same bits (docs/methods.md, "Batched training").
// No allocation, no data segment, no runtime: the module must never write outside the buffers it is given.

/**
 * out[r, :] = Σ_{entries p of row r} weights[bits[p], :] for r < rows — the sparse first layer's forward.
 * rowOfEntry is ascending; a row without entries is written as zeros. rowBytes % 16 == 0. Each output element is
 * summed from zero over its entries in order; eight 16-byte accumulators per pass load each entry's index once
 * per 128 bytes instead of once per 16.
 */
export function gatherAdd(out: usize, weights: usize, bits: usize, rowOfEntry: usize, entries: i32, rows: i32, rowBytes: i32): void {
  let p = 0;
  const wide = rowBytes & ~127;
  for (let r = 0; r < rows; r++) {
    const first = p;
    while (p < entries && load<i32>(rowOfEntry + (<usize>p << 2)) == r) p++;
    const dst = out + <usize>r * rowBytes;
    let h = 0;
    for (; h < wide; h += 128) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      for (let e = first; e < p; e++) {
        const src = weights + <usize>load<i32>(bits + (<usize>e << 2)) * rowBytes + h;
        a0 = f32x4.add(a0, v128.load(src));
        a1 = f32x4.add(a1, v128.load(src, 16));
        a2 = f32x4.add(a2, v128.load(src, 32));
        a3 = f32x4.add(a3, v128.load(src, 48));
        a4 = f32x4.add(a4, v128.load(src, 64));
        a5 = f32x4.add(a5, v128.load(src, 80));
        a6 = f32x4.add(a6, v128.load(src, 96));
        a7 = f32x4.add(a7, v128.load(src, 112));
      }
      const at = dst + h;
      v128.store(at, a0);
      v128.store(at, a1, 16);
      v128.store(at, a2, 32);
      v128.store(at, a3, 48);
      v128.store(at, a4, 64);
      v128.store(at, a5, 80);
      v128.store(at, a6, 96);
      v128.store(at, a7, 112);
    }
    for (; h < rowBytes; h += 16) {
      let acc = f32x4.splat(0);
      for (let e = first; e < p; e++) acc = f32x4.add(acc, v128.load(weights + <usize>load<i32>(bits + (<usize>e << 2)) * rowBytes + h));
      v128.store(dst + h, acc);
    }
  }
}

/** dst[dstIndex[p], :] += src[srcIndex[p], :] for p < count, in order (rows of rowBytes bytes, % 16 == 0). */
export function indexAdd(dst: usize, src: usize, dstIndex: usize, srcIndex: usize, count: i32, rowBytes: i32): void {
  for (let p = 0; p < count; p++) {
    const d = dst + <usize>load<i32>(dstIndex + (<usize>p << 2)) * rowBytes;
    const s = src + <usize>load<i32>(srcIndex + (<usize>p << 2)) * rowBytes;
    for (let h = 0; h < rowBytes; h += 16) v128.store(d + h, f32x4.add(v128.load(d + h), v128.load(s + h)));
  }
}

// One Adam element group (PyTorch's form):
//   m' = β₁m + (1−β₁)g;  v' = β₂v + (1−β₂)g²;  w' = w − stepSize·m' / (√(v'·vCorrection) + ε)
// @inline keeps the two callers below on exactly these operations.
// @ts-ignore: decorator
@inline function adamGroup(w: usize, m: usize, v: usize, wOut: usize, mOut: usize, vOut: usize, g: v128,
  b1: v128, c1: v128, b2: v128, c2: v128, step: v128, vc: v128, eps: v128): void {
  const m1 = f32x4.add(f32x4.mul(v128.load(m), b1), f32x4.mul(g, c1));
  const v1 = f32x4.add(f32x4.mul(v128.load(v), b2), f32x4.mul(f32x4.mul(g, g), c2));
  v128.store(mOut, m1);
  v128.store(vOut, v1);
  const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(v1, vc)), eps);
  v128.store(wOut, f32x4.sub(v128.load(w), f32x4.div(f32x4.mul(m1, step), denominator)));
}

/** Adam over `bytes` bytes (% 16 == 0) of w, m, v with gradient g, into wOut, mOut, vOut (which may be w, m, v). */
export function adam(w: usize, m: usize, v: usize, g: usize, wOut: usize, mOut: usize, vOut: usize, bytes: i32,
  beta1: f32, beta2: f32, stepSize: f32, vCorrection: f32, epsilon: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize), vc = f32x4.splat(vCorrection), eps = f32x4.splat(epsilon);
  for (let i: usize = 0; i < <usize>bytes; i += 16) {
    adamGroup(w + i, m + i, v + i, wOut + i, mOut + i, vOut + i, v128.load(g + i), b1, c1, b2, c2, step, vc, eps);
  }
}

/**
 * The sparse first layer's backward fused with its Adam step, in place: for every input bit j < dim, the weight
 * gradient row g_j = Σ dy[entryRows[e], :] over the entries of bit j (bitStarts[j] ≤ e < bitStarts[j+1], rows
 * ascending) — the scatter-add, never written out — then Adam on row j of w, m, v (a bit no row has gets g = 0).
 */
export function sparseAdam(w: usize, m: usize, v: usize, dy: usize, entryRows: usize, bitStarts: usize, dim: i32, rowBytes: i32,
  beta1: f32, beta2: f32, stepSize: f32, vCorrection: f32, epsilon: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize), vc = f32x4.splat(vCorrection), eps = f32x4.splat(epsilon);
  const wide = rowBytes & ~63;
  for (let j = 0; j < dim; j++) {
    const from = load<i32>(bitStarts + (<usize>j << 2));
    const to = load<i32>(bitStarts + (<usize>(j + 1) << 2));
    const row = <usize>j * rowBytes;
    let h = 0;
    // Four 16-byte gradient accumulators per pass: each entry's row index is read once per 64 bytes.
    for (; h < wide; h += 64) {
      let g0 = f32x4.splat(0), g1 = g0, g2 = g0, g3 = g0;
      for (let e = from; e < to; e++) {
        const src = dy + <usize>load<i32>(entryRows + (<usize>e << 2)) * rowBytes + h;
        g0 = f32x4.add(g0, v128.load(src));
        g1 = f32x4.add(g1, v128.load(src, 16));
        g2 = f32x4.add(g2, v128.load(src, 32));
        g3 = f32x4.add(g3, v128.load(src, 48));
      }
      const at = row + h;
      adamGroup(w + at, m + at, v + at, w + at, m + at, v + at, g0, b1, c1, b2, c2, step, vc, eps);
      adamGroup(w + at + 16, m + at + 16, v + at + 16, w + at + 16, m + at + 16, v + at + 16, g1, b1, c1, b2, c2, step, vc, eps);
      adamGroup(w + at + 32, m + at + 32, v + at + 32, w + at + 32, m + at + 32, v + at + 32, g2, b1, c1, b2, c2, step, vc, eps);
      adamGroup(w + at + 48, m + at + 48, v + at + 48, w + at + 48, m + at + 48, v + at + 48, g3, b1, c1, b2, c2, step, vc, eps);
    }
    for (; h < rowBytes; h += 16) {
      let g = f32x4.splat(0);
      for (let e = from; e < to; e++) g = f32x4.add(g, v128.load(dy + <usize>load<i32>(entryRows + (<usize>e << 2)) * rowBytes + h));
      const at = row + h;
      adamGroup(w + at, m + at, v + at, w + at, m + at, v + at, g, b1, c1, b2, c2, step, vc, eps);
    }
  }
}

/**
 * Inverted dropout from mtlc's generator (lib/stats/rng.ts): out[i] = scale if u_i < keep else 0 for i < count,
 * u_i the stream's next double — SFC32, state (a, b, c, d) at `state` (four i32, advanced in place), two words
 * per draw: u = ((w₁ ≫ 5)·2²⁶ + (w₂ ≫ 6)) / 2⁵³.
 */
export function dropoutMask(out: usize, count: i32, keep: f64, scale: f32, state: usize): void {
  // u < keep ⟺ (w₁ ≫ 5)·2²⁶ + (w₂ ≫ 6) < keep·2⁵³ (exact: scaling by a power of two), an integer comparison.
  const threshold = <u64>Math.ceil(keep * 9007199254740992.0);
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  for (let i = 0; i < count; i++) {
    let t = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = rotl<u32>(c, 21) + t;
    const high = t >>> 5;
    t = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = rotl<u32>(c, 21) + t;
    const low = t >>> 6;
    store<f32>(out + (<usize>i << 2), ((<u64>high << 26) | <u64>low) < threshold ? scale : 0);
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}
