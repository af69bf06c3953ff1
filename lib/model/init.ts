// Initial weights of the network, drawn from the project's seeded generator (lib/stats/rng.ts).
import { createRng, type Rng } from '../stats/rng.ts';

/**
 * PyTorch's default initialisation of a linear layer (kaiming-uniform with a = √5), so that mtlc and the
 * PyTorch reference start from the same distribution: every weight and bias ~ U(−1/√fan_in, 1/√fan_in),
 * i.e. w = (2u − 1)/√fan_in with u ~ U[0, 1).
 */
export function linearInit(rng: Rng, fanIn: number, count: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}

/** One dense layer's initial kernel (row-major [fanIn, width]) and bias [width]. */
export interface LayerInit {
  kernel: Float32Array;
  bias: Float32Array;
  fanIn: number;
  width: number;
}

/** Everything a network's seed decides: each layer's initial weights and the seed of its dropout stream. */
export interface NetworkInit {
  /** The trunk's layers, then the stacked head (width K) last. */
  layers: LayerInit[];
  dropoutSeed: number;
}

/**
 * The draws of a network's seed, in their one order (every trainer starts from these, so a point trained alone
 * and in a batch of points starts identically): the dropout stream's seed, then each trunk layer's kernel and
 * bias, then the head's.
 */
export function networkInit(seed: number, inputDim: number, hidden: readonly number[], heads: number): NetworkInit {
  const rng = createRng(seed);
  const dropoutSeed = rng.int();
  const layers: LayerInit[] = [];
  let fanIn = inputDim;
  for (const width of [...hidden, heads]) {
    layers.push({ kernel: linearInit(rng, fanIn, fanIn * width), bias: linearInit(rng, fanIn, width), fanIn, width });
    fanIn = width;
  }
  return { layers, dropoutSeed };
}
