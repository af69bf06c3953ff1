// What the report is built from, and what it produces.
import type { RunConfig } from '../config.ts';
import type { CurvesFile, TransferFile } from '../results.ts';
import type { ExcludedTask, TaskSummary } from '../types.ts';

export interface ReportDataset {
  name: string;
  summary: TaskSummary[];
  excluded: ExcludedTask[];
  /** Compounds dropped because RDKit could not parse their SMILES. */
  invalidSmiles: number;
  /** Ids of the compounds skipped for an invalid SMILES (when the data set lists them). */
  skippedCompounds?: string[];
  notes: string[];
}

export interface ReportEnvironment {
  backend: string;
  device: string;
  versions: Record<string, string>;
}

export interface ReportInput {
  runId: string;
  config: RunConfig;
  dataset: ReportDataset;
  environment: ReportEnvironment;
  curves: CurvesFile;
  transfer: TransferFile;
  /** ISO time stamp printed in the report (passed in so a report is reproducible byte for byte). */
  generatedAt: string;
}

export interface ReportPlot {
  /** File stem, e.g. `learning-curves-random` → plots/learning-curves-random.svg|png. */
  name: string;
  svg: string;
  png: Uint8Array;
}

export interface ReportCsv {
  /** File stem, e.g. `transfer-contextual` → results/transfer-contextual.csv. */
  name: string;
  text: string;
}

export interface Report {
  html: string;
  plots: ReportPlot[];
  csv: ReportCsv[];
}
