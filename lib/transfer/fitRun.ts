// The Fit step's science in one process: every shard of the run fitted (fitShards.ts) and merged into curves.json.
// On AWS the shards run as separate Lambdas and the same mergeFits assembles them, so both give identical files.
import type { CurvesFile } from '../results.ts';
import type { AnalyseInput } from './analyseInput.ts';
import { fitAllShards, mergeFits } from './fitShards.ts';

export { fitOptionsOf, unboundedNote } from './fitPlanned.ts';

/**
 * curves.json of a run: per split kind and task, EXP3 of the single-task and all-task curves and EXP3.2 of the
 * contextual surface; per ordered pair the pairwise EXP3.2 of its grid; per target the joint fit of the random
 * design (one s_<source> per source task). Every fit carries its leave-one-replicate-out refits; EXP3 fits
 * group-bootstrap intervals and a pointwise band of P(n) (level 1 − study.alpha); transfer models the F-test and
 * the profile (F-inversion) interval of each rate. A fit or test that cannot be made is
 * kept (status 'failed', `failed[]`), never thrown. Adds the observations and the LCDB comparison of the
 * single-task curves. Equal to mergeFits over fitShard of every shard.
 */
export function fitRun(input: AnalyseInput): CurvesFile {
  return mergeFits(input, fitAllShards(input));
}
