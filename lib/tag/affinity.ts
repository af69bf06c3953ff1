// The affinity matrix type of TAG, and a running mean of per-step scores.

/** Scores source → target, e.g. Z[source][target]; a pair with no defined value is absent. */
export type AffinityMatrix = Record<string, Record<string, number>>;

/**
 * Running mean of pairwise scores over probe steps. A pair enters the mean only at the steps where it
 * was defined (both tasks labelled in the batch), so A[i][j] = Σ_t z_t[i][j] / #{t : z_t[i][j] defined}.
 */
export class PairwiseMean {
  private readonly sums: Float64Array;
  private readonly counts: Int32Array;
  private probes = 0;

  constructor(readonly tasks: readonly string[]) {
    this.sums = new Float64Array(tasks.length * tasks.length);
    this.counts = new Int32Array(tasks.length * tasks.length);
  }

  /** Adds one probe: values[i][j] is the score of source i onto target j, null where undefined. */
  add(values: readonly (readonly (number | null)[])[]): void {
    const k = this.tasks.length;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const v = values[i]?.[j];
        if (i === j || v === null || v === undefined || !Number.isFinite(v)) continue;
        this.sums[i * k + j] += v;
        this.counts[i * k + j] += 1;
      }
    }
    this.probes += 1;
  }

  /** Number of probes added so far. */
  get steps(): number {
    return this.probes;
  }

  /** How many probes defined each pair: count[source][target]. */
  pairCounts(): Record<string, Record<string, number>> {
    return this.toRecord((idx) => this.counts[idx]);
  }

  /** The mean score per ordered pair; pairs never defined are left out. */
  mean(): AffinityMatrix {
    return this.toRecord((idx) => (this.counts[idx] > 0 ? this.sums[idx] / this.counts[idx] : undefined));
  }

  private toRecord(value: (idx: number) => number | undefined): Record<string, Record<string, number>> {
    const k = this.tasks.length;
    const out: Record<string, Record<string, number>> = {};
    for (let i = 0; i < k; i++) {
      const row: Record<string, number> = {};
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        const v = value(i * k + j);
        if (v !== undefined && (this.counts[i * k + j] > 0)) row[this.tasks[j]] = v;
      }
      out[this.tasks[i]] = row;
    }
    return out;
  }
}

/** Element-wise mean of several affinity matrices (e.g. over folds and seeds), each pair over the matrices that define it. */
export function averageAffinities(matrices: readonly AffinityMatrix[]): AffinityMatrix {
  const sums = new Map<string, Map<string, { sum: number; n: number }>>();
  for (const m of matrices) {
    for (const [source, row] of Object.entries(m)) {
      const acc = sums.get(source) ?? new Map<string, { sum: number; n: number }>();
      sums.set(source, acc);
      for (const [target, value] of Object.entries(row)) {
        const cell = acc.get(target) ?? { sum: 0, n: 0 };
        cell.sum += value;
        cell.n += 1;
        acc.set(target, cell);
      }
    }
  }
  const out: AffinityMatrix = {};
  for (const [source, acc] of sums) {
    out[source] = {};
    for (const [target, { sum, n }] of acc) out[source][target] = sum / n;
  }
  return out;
}

/** The matrix as rows {source, target, value}, sorted by source then target (the transfer.json shape). */
export function affinityPairs(matrix: AffinityMatrix): { source: string; target: string; value: number }[] {
  return Object.entries(matrix)
    .flatMap(([source, row]) => Object.entries(row).map(([target, value]) => ({ source, target, value })))
    .sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
}
