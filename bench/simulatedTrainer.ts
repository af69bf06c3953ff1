// A SIMULATED trainer for scale tests: it takes a Batch job's command line like the real trainer, but writes each
// point's result from known curve laws (lib/synthetic/curveLaws.ts) instead of training a network. Everything else of
// a run — Plan, the Map's batches, Fit, Transfer, Report and AWS's limits — runs at full size.
import { parseTrainerArgs } from '../functions/trainer/main.ts';
import { runLayout } from '../lib/layout.ts';
import { StoredPlan } from '../lib/documents.ts';
import { readChecked } from '../lib/storage/checked.ts';
import { putJson, type ObjectStore } from '../lib/storage/port.ts';
import { pointResultsFromLaws, type TransferLaw } from '../lib/synthetic/curveLaws.ts';
import type { PointSpec } from '../lib/types.ts';

export interface SimulatedTraining {
  /** The law of every task, built once the plan names the tasks. */
  laws(tasks: string[]): Record<string, TransferLaw>;
  noise: number;
}

export function simulatedTrainer(sim: SimulatedTraining): (store: ObjectStore) => (argv: string[]) => Promise<{ points: number }> {
  return (store) => {
    const plans = new Map<string, Promise<{ specs: Map<string, PointSpec>; laws: Record<string, TransferLaw> }>>();
    const planOf = (runId: string) => {
      let plan = plans.get(runId);
      if (!plan) {
        plan = readChecked(store, runLayout(runId).plan, StoredPlan).then((stored) => {
          if (!stored) throw new Error(`simulated trainer: run '${runId}' has no plan`);
          const tasks = [...new Set(stored.points.flatMap((p) => Object.keys(p.sizes)))].sort();
          return { specs: new Map(stored.points.map((p) => [p.id, p])), laws: sim.laws(tasks) };
        });
        plans.set(runId, plan);
      }
      return plan;
    };
    let batch = 0;
    return async (argv) => {
      const { runId, pointIds } = parseTrainerArgs(argv);
      const { specs, laws } = await planOf(runId);
      const results = pointResultsFromLaws(pointIds.map((id) => specs.get(id)!), laws, { noise: sim.noise, seed: ++batch });
      for (const r of results) await putJson(store, runLayout(runId).point(r.id), r);
      return { points: results.length };
    };
  };
}
