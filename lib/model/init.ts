// Initial weights of the network, drawn from the project's seeded generator (lib/stats/rng.ts).
import type { Rng } from '../stats/rng.ts';

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
