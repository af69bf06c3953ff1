// How far the statistical (s_ij) and computational (TAG Z, snapshot branches ŝ) transfer scores agree, by rank.
import type { TransferFile } from '../results.ts';
import { spearman } from '../stats/spearman.ts';

/** Scores per ordered pair, keyed `source→target`. */
export type PairMap = Map<string, number>;

export const pairKey = (source: string, target: string) => `${source}→${target}`;

export function pairMap(entries: { source: string; target: string; value: number }[]): PairMap {
  return new Map(entries.filter((e) => Number.isFinite(e.value)).map((e) => [pairKey(e.source, e.target), e.value]));
}

/**
 * Spearman's ρ between two scores over the ordered pairs j → i present in both (ρ null with fewer than three
 * shared pairs or when one side is constant). Each score is oriented source → target: s_ij is the rate of
 * source j on target i, Z_{j→i} the change of L_i after a step on L_j, ŝ_ij the branches' estimate of s_ij.
 */
export function rankAgreement(a: PairMap, b: PairMap): { rho: number | null; pairs: number } {
  const x: number[] = [];
  const y: number[] = [];
  for (const [key, value] of a) {
    const other = b.get(key);
    if (other === undefined) continue;
    x.push(value);
    y.push(other);
  }
  return { rho: spearman(x, y), pairs: x.length };
}

/** Every pairwise agreement between the named scores that have at least one pair (e.g. 'pairwise_vs_tag'). */
export function agreementTable(scores: Record<string, PairMap>): TransferFile['agreement'] {
  const names = Object.keys(scores).filter((n) => scores[n].size > 0);
  const out: TransferFile['agreement'] = {};
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out[`${names[i]}_vs_${names[j]}`] = rankAgreement(scores[names[i]], scores[names[j]]);
  return out;
}
