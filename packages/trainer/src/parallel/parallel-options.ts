/** `fitParallel` options: every `FitOptions` key plus the worker settings, resolved strictly. */
import { assertKnownKeys, assertPlainObject, ConfigError, checkEnum, optionalNumber } from '@dtrn/base';
import type { BalancingArgs } from '../balancers/create-balancer.js';
import { type FitOptions, type ResolvedFitOptions, resolveFitOptions } from '../fit-options.js';
import type { WorkerBackend } from './protocol.js';
import type { PhaseTiming } from './thread-clock.js';

export const WORKER_BACKENDS = ['wasm', 'cpu'] as const;

/** Balancing methods whose objective is linear in the task losses (so it splits over workers). */
export const PARALLEL_BALANCING_METHODS = ['equal', 'fixed'] as const;

/** Where one data-parallel step's time went (see `ParallelFitOptions.onStepTiming`). */
export interface ParallelStepTiming {
  /** The step in the calling thread: from posting the batch to the last worker's `apply` reply. */
  readonly wallMs: number;
  /** Per worker: forward and backward pass on its rows, gradients written (wall, thread CPU, run-queue wait). */
  readonly compute: readonly PhaseTiming[];
  /** Per worker: its share of the dense Adam step and of the embedding-row updates. */
  readonly apply: readonly PhaseTiming[];
  /**
   * The calling thread while the workers wait for it: from the previous step's updates to this
   * step's batch posted (the epoch loop, the batch copied to shared memory), and from the workers'
   * results to the update request posted. Its other time (waiting, garbage collection) overlaps
   * the workers.
   */
  readonly coordinator: PhaseTiming;
}

export interface ParallelFitOptions extends Omit<FitOptions, 'balancing'> {
  /**
   * Worker threads, each with its own tfjs backend and model copy; each takes an equal share of
   * every batch. Default 2; integer in [1, 64]. Beyond the machine's cores it only adds overhead.
   */
  readonly workers?: number;
  /**
   * The tfjs backend every worker selects (its package, `@tensorflow/tfjs-backend-<name>`, must be
   * installed). Default `'wasm'`.
   */
  readonly backend?: WorkerBackend;
  /** Loss balancing: `'equal'` (default) or `{ method: 'fixed', weights }`. */
  readonly balancing?: BalancingArgs;
  /**
   * Train with ONE set of embedding rows on shared memory (each touched row updated once per step,
   * by one worker) instead of one copy per worker (each worker prepares the whole batch again and
   * updates every touched row). Default: shared when every worker's model implements the
   * data-parallel hooks (`shareEmbeddings`, `useSharedEmbeddings`, `applyRowUpdates`,
   * `PreparedBatch.rowUpdates`; `@dtrn/model` models do) and SharedArrayBuffer exists, otherwise
   * replicated. `true` where that is impossible throws a ConfigError.
   */
  readonly sharedEmbeddings?: boolean;
  /**
   * Called after every training step with the time each worker spent computing and applying it:
   * wall time and, where the platform reports it (Linux), the worker thread's CPU time and the time
   * it waited for a core. The gap between `wallMs` and the slowest worker's phases is waiting
   * (barriers, messages, other processes). Diagnostics only; default none.
   */
  readonly onStepTiming?: (timing: ParallelStepTiming) => void;
}

export interface ResolvedParallelOptions extends ResolvedFitOptions {
  readonly workers: number;
  readonly backend: WorkerBackend;
  readonly balancing: BalancingArgs | undefined;
  /** undefined: decided when the workers have built their models (see ParallelFitOptions). */
  readonly sharedEmbeddings: boolean | undefined;
  readonly onStepTiming: ((timing: ParallelStepTiming) => void) | undefined;
}

export const DEFAULT_PARALLEL = Object.freeze({ workers: 2, backend: 'wasm' as WorkerBackend });

// A Record keeps this list complete: a new FitOptions key fails to compile until it is listed.
const KEYS: Record<keyof ParallelFitOptions, true> = {
  epochs: true,
  batchSize: true,
  evaluationBatchSize: true,
  shuffle: true,
  seed: true,
  optimizer: true,
  balancing: true,
  earlyStopping: true,
  checkpoint: true,
  resume: true,
  maxSteps: true,
  signal: true,
  onProgress: true,
  progressEverySteps: true,
  onEpochEnd: true,
  workers: true,
  backend: true,
  sharedEmbeddings: true,
  onStepTiming: true,
};

function checkBalancing(option: unknown): BalancingArgs | undefined {
  if (option === undefined) return undefined;
  const method = typeof option === 'string' ? option : (option as { method?: unknown } | null)?.method;
  if (typeof option === 'function' || !(PARALLEL_BALANCING_METHODS as readonly unknown[]).includes(method)) {
    throw new ConfigError('ParallelFitOptions.balancing: only loss-linear balancing runs on workers', {
      expected: `one of ${PARALLEL_BALANCING_METHODS.map((m) => `"${m}"`).join(', ')} (use fit for uncertainty, gradnorm, pcgrad or a custom balancer)`,
      found: typeof option === 'function' ? 'a balancer factory' : method,
    });
  }
  return option as BalancingArgs;
}

export function resolveParallelOptions(options: ParallelFitOptions): ResolvedParallelOptions {
  assertPlainObject(options as unknown, 'ParallelFitOptions');
  assertKnownKeys(options, Object.keys(KEYS), 'ParallelFitOptions');
  const { workers, backend, sharedEmbeddings, onStepTiming, ...fitOptions } = options;
  if (onStepTiming !== undefined && typeof onStepTiming !== 'function') {
    throw new ConfigError('ParallelFitOptions.onStepTiming must be a function', { found: onStepTiming });
  }
  const balancing = checkBalancing(options.balancing);
  if (sharedEmbeddings !== undefined && typeof sharedEmbeddings !== 'boolean') {
    throw new ConfigError('ParallelFitOptions.sharedEmbeddings must be a boolean', {
      expected: 'true, false or undefined (shared where possible)',
      found: sharedEmbeddings,
    });
  }
  if (sharedEmbeddings === true && typeof SharedArrayBuffer !== 'function') {
    throw new ConfigError('ParallelFitOptions.sharedEmbeddings: true is impossible here', {
      expected: 'a runtime with SharedArrayBuffer',
      found: 'typeof SharedArrayBuffer === "undefined"',
    });
  }
  return {
    ...resolveFitOptions(fitOptions as FitOptions),
    workers: optionalNumber(
      workers,
      DEFAULT_PARALLEL.workers,
      { integer: true, min: 1, max: 64 },
      'ParallelFitOptions.workers',
    ),
    backend:
      backend === undefined
        ? DEFAULT_PARALLEL.backend
        : checkEnum(backend, WORKER_BACKENDS, 'ParallelFitOptions.backend'),
    balancing,
    sharedEmbeddings,
    onStepTiming,
  };
}
