// The analysis of a run in one call: the Fit step's curves.json and the Transfer step's transfer.json, fitting each curve once.
import type { CurvesFile, TransferFile } from '../results.ts';
import type { AnalyseInput } from './analyseInput.ts';
import { deriveTransfer } from './deriveTransfer.ts';
import { fitRun } from './fit/shards.ts';

export type { AnalyseInput };

/**
 * Both result files of a run: `fitRun` fits every curve (EXP3, EXP3.2, pairwise, joint, with their leave-one-
 * replicate-out refits and the F-test of each transfer rate) and `deriveTransfer` derives the transfer effects and
 * their replicate-level inference from those fits. The
 * pipeline runs the two as separate steps (Fit, Transfer); this is the same analysis for tests and tools.
 */
export function analyseRun(input: AnalyseInput): { curves: CurvesFile; transfer: TransferFile } {
  const curves = fitRun(input);
  return { curves, transfer: deriveTransfer(curves, input) };
}
