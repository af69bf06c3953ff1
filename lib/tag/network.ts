// lib/model's MultiTaskNetwork seen through TAG's model port.
import type { Batch } from '../model/data.ts';
import type { MultiTaskNetwork } from '../model/network.ts';
import type { TagModel } from './probe.ts';

/** The network's per-task loss terms with dropout off; a task is labelled in a batch when its mask column is non-zero. */
export function networkTagModel(network: MultiTaskNetwork): TagModel<Batch> {
  return {
    tasks: network.tasks,
    trunk: network.trunkVariables,
    // From the batch's host copy of the mask: no device read per probe.
    labelledTasks: (batch) => network.labelledTasks(batch),
    taskLosses: (batch) => network.taskLosses(batch, { training: false }),
    taskLoss: (batch, task) => network.taskLoss(batch, task, { training: false }),
  };
}
