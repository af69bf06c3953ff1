// lib/model's MultiTaskNetwork seen through TAG's model port.
import type { Batch } from '../model/data.ts';
import type { MultiTaskNetwork } from '../model/network.ts';
import type { Tf } from '../model/backend.ts';
import type { TagModel } from './probe.ts';

/** The network's per-task loss terms with dropout off; a task is labelled in a batch when its mask column is non-zero. */
export function networkTagModel(tf: Tf, network: MultiTaskNetwork): TagModel<Batch> {
  return {
    tasks: network.tasks,
    trunk: network.trunkVariables,
    labelledTasks(batch) {
      const counts = tf.tidy(() => tf.sum(batch.mask, 0));
      const values = counts.dataSync();
      counts.dispose();
      return Array.from(values, (c) => c > 0);
    },
    taskLosses: (batch) => network.taskLosses(batch, { training: false }),
    taskLoss: (batch, task) => network.taskLoss(batch, task, { training: false }),
  };
}
