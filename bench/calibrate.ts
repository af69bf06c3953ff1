// npm run calibrate: the calibration study of transfer inference at scale (docs/methods.md, "Inference").
// Type-I error (s = 0) and power (s > 0) of the pooled F-test and of the replicate-level jackknife t, and the
// coverage of the jackknife's interval, on simulated pairwise studies with replicate-level random walks.
import { parseArgs } from 'node:util';
import { formatTable } from '../lib/cli/table.ts';
import { calibrate, type CalibrationCase } from '../lib/synthetic/calibration.ts';

const { values } = parseArgs({ options: { studies: { type: 'string' } } });
const studies = Number(values.studies ?? 200);
const cases: CalibrationCase[] = [];
for (const groups of [5, 10]) for (const walk of [0, 0.003, 0.006]) for (const s of [0, 1 / 6000, 1 / 1500]) cases.push({ s, groups, walk, noise: 0.01 });
const started = performance.now();
const rows = calibrate(cases, studies).map((r) => [
  r.case.s === 0 ? '0' : r.case.s.toExponential(2),
  String(r.case.groups),
  r.case.walk.toFixed(3),
  r.pooledF.rejectRate.toFixed(3),
  r.jackknife.rejectRate.toFixed(3),
  r.jackknife.coverage === null ? '—' : r.jackknife.coverage.toFixed(3),
]);
console.log(`# calibration: ${studies} simulated pairwise studies per case, noise 0.01, α = 0.05 (${((performance.now() - started) / 1000).toFixed(0)} s)`);
console.log('rejection rate = type-I error where s = 0, power where s > 0; coverage of the nominal 95 % jackknife t interval\n');
console.log(formatTable(['true s', 'replicates', 'walk/doubling', 'pooled F rejects', 'jackknife t rejects', 'jackknife coverage'], rows));
