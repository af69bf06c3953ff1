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

/**
 * The same sums as gatherAdd, bit by bit: out[r, :] = Σ weights[s·D + j, :] over the bits j of row r of slot s,
 * from the CSC lists the backward uses (the entries of bit j of slot s: entryRows[bitStarts[s·(D+1) + j] …
 * bitStarts[s·(D+1) + j + 1]), output rows ascending). Each weight row is read once and added into the rows
 * that have its bit; a row whose entries ascend by bit (as a fingerprint's do) gets its terms in gatherAdd's
 * order, so the same bits. `rows` output rows of rowBytes bytes (% 16 == 0) in all, zeroed first.
 */
export function gatherAddByBit(out: usize, weights: usize, entryRows: usize, bitStarts: usize, slots: i32, bitsPerSlot: i32, rows: i32, rowBytes: i32): void {
  const zero = f32x4.splat(0);
  const outBytes = <usize>rows * rowBytes;
  const wide = <usize>(rowBytes & ~63);
  for (let i: usize = 0; i < outBytes; i += 16) v128.store(out + i, zero);
  for (let s = 0; s < slots; s++) {
    const starts = bitStarts + <usize>s * (bitsPerSlot + 1) * 4;
    for (let j = 0; j < bitsPerSlot; j++) {
      const from = load<i32>(starts + (<usize>j << 2));
      const to = load<i32>(starts + (<usize>(j + 1) << 2));
      if (from == to) continue;
      const src = weights + (<usize>s * bitsPerSlot + j) * rowBytes;
      for (let e = from; e < to; e++) {
        const dst = out + <usize>load<i32>(entryRows + (<usize>e << 2)) * rowBytes;
        let h: usize = 0;
        for (; h < wide; h += 64) {
          v128.store(dst + h, f32x4.add(v128.load(dst + h), v128.load(src + h)));
          v128.store(dst + h, f32x4.add(v128.load(dst + h, 16), v128.load(src + h, 16)), 16);
          v128.store(dst + h, f32x4.add(v128.load(dst + h, 32), v128.load(src + h, 32)), 32);
          v128.store(dst + h, f32x4.add(v128.load(dst + h, 48), v128.load(src + h, 48)), 48);
        }
        for (; h < <usize>rowBytes; h += 16) v128.store(dst + h, f32x4.add(v128.load(dst + h), v128.load(src + h)));
      }
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
 * The sparse first layer's backward fused with its Adam step, in place: for each input bit j of the list `rows`,
 * the weight gradient row g_j = Σ dy[entryRows[e], :] over the entries of bit j (bitStarts[j] ≤ e < bitStarts[j+1],
 * rows ascending) — the scatter-add, never written out — then Adam on row j of w, m, v (a bit of this batch's
 * without entries gets g = 0). A row left out is one whose m and v are still 0 and whose g is 0: its Adam step
 * would leave w, m and v as they are.
 */
export function sparseAdam(w: usize, m: usize, v: usize, dy: usize, entryRows: usize, bitStarts: usize, rows: usize, rowCount: i32, rowBytes: i32,
  beta1: f32, beta2: f32, stepSize: f32, vCorrection: f32, epsilon: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize), vc = f32x4.splat(vCorrection), eps = f32x4.splat(epsilon);
  const wide = rowBytes & ~63;
  for (let r = 0; r < rowCount; r++) {
    const j = load<i32>(rows + (<usize>r << 2));
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
 * Inverted dropout masks from mtlc's generator (lib/stats/rng.ts), for `slots` slots of `stride` values each: slot
 * s draws counts[s] values from its own stream — SFC32, state (a, b, c, d) at states + 16·s, advanced in place —
 * and its other values are 0. Each 32-bit word gives two values, its high then its low 16 bits h: the value is
 * `scale` when h < threshold (= ⌈keep·2¹⁶⌉), else 0; an odd count leaves the last word's low half unused.
 * Four slots at a time run their four streams in the lanes of one vector (each lane is its own stream, so every
 * slot draws the same words as alone) up to the shortest one's last full word; each then finishes alone.
 */
export function dropoutMasks(out: usize, states: usize, counts: usize, slots: i32, stride: i32, threshold: u32, scale: f32): void {
  let s = 0;
  for (; s + 4 <= slots; s += 4) {
    let words = i32.MAX_VALUE;
    for (let l = 0; l < 4; l++) words = min(words, load<i32>(counts + (<usize>(s + l) << 2)) >> 1);
    if (words > 0) dropoutFourStreams(out + <usize>s * stride * 4, states + (<usize>s << 4), stride, words, threshold, scale);
    for (let l = 0; l < 4; l++) dropoutStream(out, states, counts, s + l, stride, words << 1, threshold, scale);
  }
  for (; s < slots; s++) dropoutStream(out, states, counts, s, stride, 0, threshold, scale);
}

/** Slot s's values from `from` (even) on: its words drawn one at a time, then zeros up to the stride. */
// @ts-ignore: decorator
@inline function dropoutStream(out: usize, states: usize, counts: usize, s: i32, stride: i32, from: i32, threshold: u32, scale: f32): void {
  const state = states + (<usize>s << 4);
  const count = load<i32>(counts + (<usize>s << 2));
  const slotOut = out + <usize>s * stride * 4;
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  for (let i = from; i < count; i += 2) {
    const t = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = rotl<u32>(c, 21) + t;
    store<f32>(slotOut + (<usize>i << 2), (t >>> 16) < threshold ? scale : 0);
    if (i + 1 < count) store<f32>(slotOut + (<usize>(i + 1) << 2), (t & 0xffff) < threshold ? scale : 0);
  }
  for (let i = count; i < stride; i++) store<f32>(slotOut + (<usize>i << 2), 0);
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}

/** The first `words` words of four consecutive slots' streams, lane l the stream of slot l, their states advanced. */
// @ts-ignore: decorator
@inline function dropoutFourStreams(out: usize, states: usize, stride: i32, words: i32, threshold: u32, scale: f32): void {
  let a = i32x4.splat(0), b = a, c = a, d = a;
  a = i32x4.replace_lane(a, 0, load<i32>(states)); b = i32x4.replace_lane(b, 0, load<i32>(states, 4)); c = i32x4.replace_lane(c, 0, load<i32>(states, 8)); d = i32x4.replace_lane(d, 0, load<i32>(states, 12));
  a = i32x4.replace_lane(a, 1, load<i32>(states, 16)); b = i32x4.replace_lane(b, 1, load<i32>(states, 20)); c = i32x4.replace_lane(c, 1, load<i32>(states, 24)); d = i32x4.replace_lane(d, 1, load<i32>(states, 28));
  a = i32x4.replace_lane(a, 2, load<i32>(states, 32)); b = i32x4.replace_lane(b, 2, load<i32>(states, 36)); c = i32x4.replace_lane(c, 2, load<i32>(states, 40)); d = i32x4.replace_lane(d, 2, load<i32>(states, 44));
  a = i32x4.replace_lane(a, 3, load<i32>(states, 48)); b = i32x4.replace_lane(b, 3, load<i32>(states, 52)); c = i32x4.replace_lane(c, 3, load<i32>(states, 56)); d = i32x4.replace_lane(d, 3, load<i32>(states, 60));
  const one = i32x4.splat(1), low = i32x4.splat(0xffff), limit = i32x4.splat(<i32>threshold), value = i32x4.splat(reinterpret<i32>(scale));
  const slotBytes = <usize>stride * 4;
  for (let w = 0; w < words; w++) {
    const t = i32x4.add(i32x4.add(a, b), d);
    d = i32x4.add(d, one);
    a = v128.xor(b, i32x4.shr_u(b, 9));
    b = i32x4.add(c, i32x4.shl(c, 3));
    c = i32x4.add(v128.or(i32x4.shl(c, 21), i32x4.shr_u(c, 11)), t);
    const high = v128.and(i32x4.lt_u(i32x4.shr_u(t, 16), limit), value);
    const lowHalf = v128.and(i32x4.lt_u(v128.and(t, low), limit), value);
    // (high, low) of lanes 0, 1 and of lanes 2, 3, each pair the slot's next two values.
    const first = v128.shuffle<i32>(high, lowHalf, 0, 4, 1, 5);
    const second = v128.shuffle<i32>(high, lowHalf, 2, 6, 3, 7);
    const at = out + (<usize>w << 3);
    v128.store64_lane(at, first, 0);
    v128.store64_lane(at + slotBytes, first, 1);
    v128.store64_lane(at + 2 * slotBytes, second, 0);
    v128.store64_lane(at + 3 * slotBytes, second, 1);
  }
  store<i32>(states, i32x4.extract_lane(a, 0)); store<i32>(states, i32x4.extract_lane(b, 0), 4); store<i32>(states, i32x4.extract_lane(c, 0), 8); store<i32>(states, i32x4.extract_lane(d, 0), 12);
  store<i32>(states, i32x4.extract_lane(a, 1), 16); store<i32>(states, i32x4.extract_lane(b, 1), 20); store<i32>(states, i32x4.extract_lane(c, 1), 24); store<i32>(states, i32x4.extract_lane(d, 1), 28);
  store<i32>(states, i32x4.extract_lane(a, 2), 32); store<i32>(states, i32x4.extract_lane(b, 2), 36); store<i32>(states, i32x4.extract_lane(c, 2), 40); store<i32>(states, i32x4.extract_lane(d, 2), 44);
  store<i32>(states, i32x4.extract_lane(a, 3), 48); store<i32>(states, i32x4.extract_lane(b, 3), 52); store<i32>(states, i32x4.extract_lane(c, 3), 56); store<i32>(states, i32x4.extract_lane(d, 3), 60);
}

// Dense layers, for S stacked slots (a single network is S = 1): x [S, B, I], W [S, I, O] (and Wᵀ [S, O, I]),
// c [S, O] → z [S, B, O]. A layer with few outputs (a head: O < 16) runs its sums along the inputs, four to a
// 16-byte vector; a wide one along its outputs. Every sum runs in one fixed order for a given shape.

/** Whether a layer with `outputs` outputs takes the narrow form (sums vectorised along the inputs). */
// @ts-ignore: decorator
@inline function narrow(outputs: i32): bool {
  return outputs < 16;
}

/** Σ_i a[i]·b[i] over `count` floats: four lanes, then the lanes summed, then a scalar tail. */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, count: i32): f32 {
  const vectors = count & ~3;
  let acc = f32x4.splat(0);
  for (let i = 0; i < vectors; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
  let sum: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (let i = vectors; i < count; i++) sum += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return sum;
}

/** z[s, b, :] = Σ_i x[s, b, i]·W[s, i, :] + c[s, :]. */
export function denseForward(z: usize, x: usize, w: usize, wt: usize, c: usize, slots: i32, rows: i32, inputs: i32, outputs: i32): void {
  const vectors = outputs & ~3;
  for (let s = 0; s < slots; s++) {
    const xs = x + <usize>s * rows * inputs * 4;
    const ws = w + <usize>s * inputs * outputs * 4;
    const wts = wt + <usize>s * inputs * outputs * 4;
    const cs = c + <usize>s * outputs * 4;
    const zs = z + <usize>s * rows * outputs * 4;
    for (let b = 0; b < rows; b++) {
      const xRow = xs + <usize>b * inputs * 4;
      const zRow = zs + <usize>b * outputs * 4;
      if (narrow(outputs)) {
        for (let o = 0; o < outputs; o++) store<f32>(zRow + (<usize>o << 2), dot(xRow, wts + <usize>o * inputs * 4, inputs) + load<f32>(cs + (<usize>o << 2)));
        continue;
      }
      for (let o = 0; o < vectors; o += 4) {
        let acc = f32x4.splat(0);
        for (let i = 0; i < inputs; i++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xRow + (<usize>i << 2))), v128.load(ws + (<usize>i * outputs + o) * 4)));
        }
        v128.store(zRow + (<usize>o << 2), f32x4.add(acc, v128.load(cs + (<usize>o << 2))));
      }
      for (let o = vectors; o < outputs; o++) {
        let acc: f32 = 0;
        for (let i = 0; i < inputs; i++) acc += load<f32>(xRow + (<usize>i << 2)) * load<f32>(ws + (<usize>i * outputs + o) * 4);
        store<f32>(zRow + (<usize>o << 2), acc + load<f32>(cs + (<usize>o << 2)));
      }
    }
  }
}

/** dx[s, b, :] = Σ_o dz[s, b, o]·Wᵀ[s, o, :]; dW[s, i, :] = Σ_b x[s, b, i]·dz[s, b, :]; dc[s, :] = Σ_b dz[s, b, :]. */
export function denseBackward(dx: usize, dw: usize, dc: usize, x: usize, wt: usize, dz: usize, slots: i32, rows: i32, inputs: i32, outputs: i32): void {
  const vectors = outputs & ~3;
  const inputVectors = inputs & ~3;
  for (let s = 0; s < slots; s++) {
    const xs = x + <usize>s * rows * inputs * 4;
    const wts = wt + <usize>s * inputs * outputs * 4;
    const dzs = dz + <usize>s * rows * outputs * 4;
    const dxs = dx + <usize>s * rows * inputs * 4;
    for (let b = 0; b < rows; b++) {
      const dzRow = dzs + <usize>b * outputs * 4;
      const dxRow = dxs + <usize>b * inputs * 4;
      for (let i = 0; i < inputVectors; i += 4) {
        let acc = f32x4.splat(0);
        for (let o = 0; o < outputs; o++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(dzRow + (<usize>o << 2))), v128.load(wts + (<usize>o * inputs + i) * 4)));
        }
        v128.store(dxRow + (<usize>i << 2), acc);
      }
      for (let i = inputVectors; i < inputs; i++) {
        let acc: f32 = 0;
        for (let o = 0; o < outputs; o++) acc += load<f32>(dzRow + (<usize>o << 2)) * load<f32>(wts + (<usize>o * inputs + i) * 4);
        store<f32>(dxRow + (<usize>i << 2), acc);
      }
    }
    const dws = dw + <usize>s * inputs * outputs * 4;
    if (narrow(outputs)) {
      // dW column o, four inputs at a time: Σ_b dz[b, o]·x[b, i…i+3], stored into W's [I, O] layout.
      for (let o = 0; o < outputs; o++) {
        for (let i = 0; i < inputVectors; i += 4) {
          let acc = f32x4.splat(0);
          for (let b = 0; b < rows; b++) {
            acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(dzs + (<usize>b * outputs + o) * 4)), v128.load(xs + (<usize>b * inputs + i) * 4)));
          }
          store<f32>(dws + (<usize>i * outputs + o) * 4, f32x4.extract_lane(acc, 0));
          store<f32>(dws + (<usize>(i + 1) * outputs + o) * 4, f32x4.extract_lane(acc, 1));
          store<f32>(dws + (<usize>(i + 2) * outputs + o) * 4, f32x4.extract_lane(acc, 2));
          store<f32>(dws + (<usize>(i + 3) * outputs + o) * 4, f32x4.extract_lane(acc, 3));
        }
        for (let i = inputVectors; i < inputs; i++) {
          let acc: f32 = 0;
          for (let b = 0; b < rows; b++) acc += load<f32>(xs + (<usize>b * inputs + i) * 4) * load<f32>(dzs + (<usize>b * outputs + o) * 4);
          store<f32>(dws + (<usize>i * outputs + o) * 4, acc);
        }
      }
    } else {
      for (let i = 0; i < inputs; i++) {
        for (let o = 0; o < vectors; o += 4) {
          let acc = f32x4.splat(0);
          for (let b = 0; b < rows; b++) {
            acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xs + (<usize>b * inputs + i) * 4)), v128.load(dzs + (<usize>b * outputs + o) * 4)));
          }
          v128.store(dws + (<usize>i * outputs + o) * 4, acc);
        }
        for (let o = vectors; o < outputs; o++) {
          let acc: f32 = 0;
          for (let b = 0; b < rows; b++) acc += load<f32>(xs + (<usize>b * inputs + i) * 4) * load<f32>(dzs + (<usize>b * outputs + o) * 4);
          store<f32>(dws + (<usize>i * outputs + o) * 4, acc);
        }
      }
    }
    const dcs = dc + <usize>s * outputs * 4;
    for (let o = 0; o < outputs; o++) {
      let acc: f32 = 0;
      for (let b = 0; b < rows; b++) acc += load<f32>(dzs + (<usize>b * outputs + o) * 4);
      store<f32>(dcs + (<usize>o << 2), acc);
    }
  }
}

/** A trunk layer's activation, for S slots of B rows of width H: h = ReLU(a + c[s]) ⊙ mask (c 0: no bias; mask 0:
 * none). width % 4 == 0. */
export function activationForward(h: usize, a: usize, c: usize, mask: usize, slots: i32, rows: i32, width: i32): void {
  const zero = f32x4.splat(0);
  for (let s = 0; s < slots; s++) {
    const cs = c + <usize>s * width * 4;
    for (let b = 0; b < rows; b++) {
      const at = (<usize>s * rows + b) * width * 4;
      for (let j = 0; j < width; j += 4) {
        const o = at + (<usize>j << 2);
        let y = v128.load(a + o);
        if (c != 0) y = f32x4.add(y, v128.load(cs + (<usize>j << 2)));
        y = f32x4.max(y, zero);
        if (mask != 0) y = f32x4.mul(y, v128.load(mask + o));
        v128.store(h + o, y);
      }
    }
  }
}

/** Its gradient: da = (dh ⊙ mask) ⊙ [a + c > 0], and dc[s] = Σ_b da[s, b] when there is a bias (c, dc ≠ 0). */
export function activationBackward(da: usize, dc: usize, a: usize, c: usize, mask: usize, dh: usize, slots: i32, rows: i32, width: i32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let s = 0; s < slots; s++) {
    const cs = c + <usize>s * width * 4;
    const dcs = dc + <usize>s * width * 4;
    if (c != 0) for (let j = 0; j < width; j += 4) v128.store(dcs + (<usize>j << 2), zero);
    for (let b = 0; b < rows; b++) {
      const at = (<usize>s * rows + b) * width * 4;
      for (let j = 0; j < width; j += 4) {
        const o = at + (<usize>j << 2);
        let g = v128.load(dh + o);
        if (mask != 0) g = f32x4.mul(g, v128.load(mask + o));
        let pre = v128.load(a + o);
        if (c != 0) pre = f32x4.add(pre, v128.load(cs + (<usize>j << 2)));
        g = f32x4.mul(g, v128.and(f32x4.gt(pre, zero), one));
        v128.store(da + o, g);
        if (c != 0) v128.store(dcs + (<usize>j << 2), f32x4.add(v128.load(dcs + (<usize>j << 2)), g));
      }
    }
  }
}
