// Builds the point's network from the model config. Whether its first layer is the dense matMul or the sparse
// gather-add is decided by the batches (TaskData's sparseInput), not here.
import type { ModelConfig } from '../config.ts';
import type { LoadedBackend } from './backend.ts';
import type { TaskData } from './data.ts';
import { MultiTaskNetwork } from './network.ts';

export function createNetwork(loaded: LoadedBackend, data: TaskData, config: ModelConfig, seed: number): MultiTaskNetwork {
  return new MultiTaskNetwork(loaded.tf, {
    inputDim: data.inputDim,
    hidden: config.hidden,
    tasks: data.tasks,
    dropout: config.dropout,
    learningRate: config.learningRate,
    seed,
  });
}
