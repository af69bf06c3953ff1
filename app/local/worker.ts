// A local Batch worker process (forked by worker-pool.ts through bin/run-ts.js). Each job message carries
// the container command line the job definition produced; the worker runs the same trainer entry the GPU
// container runs, against the embedded S3, and answers with the result or the error.
import { trainerMain } from '../../functions/trainer/main.ts';
import type { PointOutcome } from '../../lib/pipeline/steps.ts';
import { localStore } from './bucket.ts';

export interface JobMessage {
  jobId: string;
  argv: string[];
}
export type JobReply = { jobId: string; ok: true; result: unknown } | { jobId: string; ok: false; error: { name: string; message: string } };
/** Sent as each point of a job ends, before the job's reply. */
export interface PointMessage {
  jobId: string;
  point: PointOutcome;
}

const endpoint = process.env.MTLC_S3_ENDPOINT;
const bucket = process.env.BUCKET_NAME;
if (!endpoint || !bucket || !process.send) {
  console.error('worker.ts runs only as a forked worker with MTLC_S3_ENDPOINT and BUCKET_NAME set');
  process.exit(2);
}
const deps = { store: localStore({ endpoint, bucket }), dataDir: process.env.MTLC_DATA_DIR, cacheDir: process.env.MTLC_CACHE_DIR };

// One job at a time: the pool never sends a second before the first is answered.
process.on('message', (msg: JobMessage) => {
  trainerMain(msg.argv, deps, (point) => process.send!({ jobId: msg.jobId, point } satisfies PointMessage)).then(
    (result) => process.send!({ jobId: msg.jobId, ok: true, result } satisfies JobReply),
    (err: Error) => process.send!({ jobId: msg.jobId, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } } satisfies JobReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
