// Picks the network implementation for the backend and the features: dense matMul first layer, or (phase 2)
// the sparse fingerprint kernel.
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
