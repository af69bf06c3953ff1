// npm run scale: the paper's scale through the local runner with AWS's limits enforced (bench/scaleStudy.ts; docs/aws.md,
// "Scale"). Prints the largest state payload and each Lambda step's calls, seconds and memory against its limits;
// exits non-zero when the run fails or a limit is passed. `--top K` the number of KIBA targets (default 229),
// `--folds N` the folds (default 5); `--config FILE` runs that study instead (e.g.
// docs/examples/kiba-top8-transfer.json: its Fit step's seconds on simulated points).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STATE_PAYLOAD_LIMIT } from '../app/local/adapter.ts';
import { describeStudySize } from '../lib/design/size.ts';
import { runScale, scaleConfig } from './scaleStudy.ts';

const { values } = parseArgs({ options: { top: { type: 'string' }, out: { type: 'string' }, keep: { type: 'boolean' }, config: { type: 'string' }, folds: { type: 'string' } } });
const top = Number(values.top ?? 229);
const outDir = values.out ?? mkdtempSync(path.join(os.tmpdir(), 'mtlc-scale-'));
const started = performance.now();
let lastLine = 0;
const run = await runScale({
  configText: values.config ? readFileSync(values.config, 'utf8') : JSON.stringify(scaleConfig(top, Number(values.folds ?? 5))),
  outDir,
  runId: values.config ? `scale-${path.basename(values.config, '.json')}` : `scale-kiba-${top}`,
  dataDir: process.env.MTLC_DATA_DIR,
  onProgress: (p) => {
    if (p.size && performance.now() - lastLine > 30_000) {
      lastLine = performance.now();
      console.log(`${describeStudySize(p.size)}; ${p.pointsDone}/${p.pointsTotal} points; ${((performance.now() - started) / 1000).toFixed(0)} s elapsed`);
    }
  },
});
console.log(`\n${run.lines.join('\n')}`);
if (!values.keep && !values.out) rmSync(outDir, { recursive: true, force: true });
process.exitCode = run.result.state === 'SUCCEEDED' && run.result.largestPayload.bytes < STATE_PAYLOAD_LIMIT && run.overLimit.length === 0 ? 0 : 1;
