// What the analysis of a run reads: its config, its plan and the trained points (the Fit and Transfer steps' input).
import type { RunConfig } from '../config.ts';
import type { TransferFile } from '../results.ts';
import type { PointResult, PointSpec } from '../types.ts';

export interface AnalyseInput {
  runId: string;
  config: RunConfig;
  /** The plan (lib/design enumeratePoints). */
  points: PointSpec[];
  results: PointResult[];
  /** Size caps reported by the plan, copied into transfer.json. */
  caps?: TransferFile['caps'];
}
