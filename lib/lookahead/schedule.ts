// When the data lookahead probes: epochs at given fractions of the run.

/** 0-based epoch after which each fraction f of an E-epoch run is complete: clamp(⌈f·E⌉ − 1, 0, E − 1), distinct, ascending. */
export function probeEpochs(fractions: readonly number[], epochs: number): number[] {
  const out = new Set<number>();
  for (const f of fractions) out.add(Math.min(epochs - 1, Math.max(0, Math.ceil(f * epochs - 1e-9) - 1)));
  return [...out].sort((a, b) => a - b);
}
