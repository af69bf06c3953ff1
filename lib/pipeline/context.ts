// What every pipeline step gets: the bucket (any ObjectStore) and the run, plus where local data lives.
import type { ObjectStore } from '../storage/port.ts';

export interface StepContext {
  store: ObjectStore;
  runId: string;
  /** Folder with the built-in data sets (else $MTLC_DATA_DIR, else the download cache). */
  dataDir?: string;
  /** Folder for downloads and the ECFP cache (else $MTLC_CACHE_DIR or ~/.cache/mtlc). */
  cacheDir?: string;
  /** Training jobs that really run at once (the local runner: its workers); Plan spreads the points over at
   * least twice as many jobs. Absent (AWS): execution.maxConcurrency. */
  parallelJobs?: number;
}
