// The local execution adapter's public face: the embedded bucket (also used by `mtlc report`) and the local run.
export { openLocalBucket, localStore, LOCAL_BUCKET, type LocalBucket } from './bucket.ts';
export { runLocal, exportResults, type LocalRunOptions, type LocalRunResult, type LocalProgress } from './run.ts';
export { LocalExecutions } from './adapter.ts';
export { synthesizeTemplate, runMachineFrom } from './template.ts';
