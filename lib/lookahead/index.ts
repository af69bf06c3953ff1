// Data lookahead: the learning-curve analogue of TAG (our definition, docs/methods.md).
export { probeDataLookahead, type LookaheadProbeInput } from './probe.ts';
export { chooseLookaheadRows, type LookaheadRowOptions, type LookaheadRows } from './rows.ts';
export { probeEpochs } from './schedule.ts';
export {
  createLookaheadRecorder,
  validateLookaheadOptions,
  type LookaheadOptions,
  type LookaheadResult,
  type LookaheadRecorder,
  type LookaheadRecorderInput,
} from './hooks.ts';
export { trainProbedPoint, probedPointOptions, probeResultFields, type ProbedPointOptions, type ProbedPointOutput } from './run.ts';
