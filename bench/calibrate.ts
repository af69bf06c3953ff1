// npm run calibrate: the calibration study of transfer inference at scale (docs/methods.md, "Inference").
// Type-I error (s = 0) and power (s > 0) of the pooled F-test and of the replicate-level jackknife t, and the
// coverage of the jackknife's interval, on simulated pairwise studies with replicate-level random walks.
import { parseArgs } from 'node:util';
import { formatTable } from '../app/cli/table.ts';
import { calibrate, nullFamilies, type CalibrationCase } from '../lib/synthetic/calibration.ts';

const { values } = parseArgs({ options: { studies: { type: 'string' } } });
const studies = Number(values.studies ?? 200);
const families = Math.max(10, Math.round(studies / 10));
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

// Data with no transfer at all: families of 56 unrelated pairs (a KIBA top-8 pairwise study), FDR control within each.
const nullStarted = performance.now();
const nullRows = [5, 10].flatMap((groups) =>
  [0, 0.003, 0.006].map((walk) => {
    const r = nullFamilies({ s: 0, groups, walk, noise: 0.01 }, families, 56);
    return [String(groups), walk.toFixed(3), r.pooledFShare.toFixed(3), r.jackknifeShare.toFixed(3), r.fdrShare.toFixed(4), r.anyFdrCall.toFixed(3)];
  }),
);
console.log(`\n# no transfer at all: ${families} families of 56 unrelated pairs per case, α = 0.05, FDR 0.05 (${((performance.now() - nullStarted) / 1000).toFixed(0)} s)`);
console.log('share of pairs called (mean over families), and share of families with any call after FDR control\n');
console.log(formatTable(['replicates', 'walk/doubling', 'pooled F called', 'jackknife p < α', 'called at FDR', 'families with any call'], nullRows));
