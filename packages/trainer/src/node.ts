// Node-only entry point of @dtrn/trainer: checkpoints on the local file system and data-parallel
// training on worker threads (fitParallel, replicated or shared embeddings).
import { FileStorage } from '@dtrn/core/node';
import type { CheckpointArgs } from './fit-options.js';

export interface FileCheckpointOptions {
  /** Also checkpoint every N global steps (0: epoch ends and stops only). Default 0. */
  readonly everySteps?: number;
  /** Checkpoints kept. Default 1. */
  readonly keep?: number;
}

/**
 * `FitOptions.checkpoint` for a directory on disk: `fit(model, train, validation,
 * { checkpoint: fileCheckpoints('runs/mmoe/checkpoints'), resume: 'ifExists' })`. Files are written
 * atomically (temporary name, then rename); the directory is created on first write.
 */
export function fileCheckpoints(directory: string, options: FileCheckpointOptions = {}): CheckpointArgs {
  return { storage: new FileStorage(directory), directory: '.', ...options };
}

export { fitParallel, type ParallelFitResult } from './parallel/fit-parallel.js';
export { buildModelFromSpec, type ModelSpec, resolveModelSpec } from './parallel/model-spec.js';
export {
  DEFAULT_PARALLEL,
  PARALLEL_BALANCING_METHODS,
  type ParallelFitOptions,
  type ParallelStepTiming,
  WORKER_BACKENDS,
} from './parallel/parallel-options.js';
export type { WorkerBackend } from './parallel/protocol.js';
export type { PhaseTiming } from './parallel/thread-clock.js';
