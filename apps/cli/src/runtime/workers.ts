/**
 * How many worker threads a training run uses (`--workers`): `fitParallel` from @dtrn/trainer splits
 * every batch between workers, each with its own tfjs backend, one set of embedding rows on shared
 * memory, and a step equal to one thread's up to float summation order.
 *
 * `auto` (the default) uses two workers where that was measured to be faster: on wasm, with two or
 * more cores, balancing `equal`, batches of at least AUTO_MIN_BATCH rows, and models the catalog can
 * build in a worker. Measured on the 2-core development machine (idle-machine estimates from thread
 * CPU times, bench/workers.bench.mjs and packages/trainer/README.md): 1.39-1.49x one thread for the
 * `tiny` preset's models at batch 256, 1.93-1.99x for the `quick` preset's, 1.83x for the MMoE
 * benchmark at batch 1024.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '@dtrn/base';

export type WorkersPreference = 'auto' | number;

/** What environment.json records about the run's threads. */
export interface WorkersRecord {
  /** `--workers` as given (`auto` by default). */
  readonly requested: WorkersPreference;
  /** Threads that train: 1 = `fit` on the main thread; n > 1 = `fitParallel` with n workers. */
  readonly used: number;
  /** Why, in one line. */
  readonly reason: string;
}

/** Smallest batch `auto` splits between workers (the smallest measured to pay off). */
export const AUTO_MIN_BATCH = 256;

export interface WorkersContext {
  readonly requested: WorkersPreference;
  /** The tfjs backend the run selected (`wasm`, `cpu`, `tensorflow`, ...). */
  readonly tfjsBackend: string;
  readonly batchSize: number;
  readonly balancing: string;
  /** Whether the model catalog can describe its models for worker threads. */
  readonly workerModels: boolean;
  /** Cores of this machine (default: os.availableParallelism()). */
  readonly cores?: number;
}

/** Parses `--workers`: a positive integer or `auto`. */
export function parseWorkers(value: string): WorkersPreference {
  if (value === 'auto') return 'auto';
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 64) {
    throw new ConfigError(`--workers must be "auto" or an integer in [1, 64] (found "${value}")`);
  }
  return parsed;
}

/** Why workers cannot run here, or null when they can. */
function blocker(context: WorkersContext): string | null {
  if (context.tfjsBackend !== 'wasm' && context.tfjsBackend !== 'cpu') {
    return `the ${context.tfjsBackend} backend (workers select wasm or cpu; tfjs-node runs its kernels on its own threads)`;
  }
  if (context.balancing !== 'equal') {
    return `balancing "${context.balancing}" (it needs each task's full gradient: one thread)`;
  }
  if (!context.workerModels) return 'a model catalog that cannot build its models in worker threads';
  return null;
}

export function resolveWorkers(context: WorkersContext): WorkersRecord {
  const { requested } = context;
  const reason = blocker(context);
  if (requested !== 'auto') {
    if (requested === 1) return { requested, used: 1, reason: 'one thread (--workers 1)' };
    if (reason) {
      throw new ConfigError(`--workers ${requested} is impossible with ${reason}`, {
        expected: '--workers 1 or auto, or the wasm backend with equal balancing',
      });
    }
    return { requested, used: requested, reason: `${requested} workers (--workers ${requested})` };
  }
  const cores = context.cores ?? availableParallelism();
  const one = (why: string): WorkersRecord => ({ requested, used: 1, reason: `one thread: ${why}` });
  if (reason) return one(reason);
  if (context.tfjsBackend !== 'wasm') {
    return one('the cpu backend is the correctness fallback (--workers 2 uses two threads anyway)');
  }
  if (cores < 2) return one(`${cores} core`);
  if (context.batchSize < AUTO_MIN_BATCH) {
    return one(
      `batches of ${context.batchSize} rows (two workers are measured to pay off from ${AUTO_MIN_BATCH}; --workers 2 to force)`,
    );
  }
  return {
    requested,
    used: 2,
    reason: `2 workers: wasm on ${cores} cores, batches of ${context.batchSize} rows (--workers 1 for one thread)`,
  };
}
