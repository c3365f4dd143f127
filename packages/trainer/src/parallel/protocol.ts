/**
 * Messages between the coordinator (the thread that called `fitParallel`) and its workers. Every
 * request carries an id; the worker answers each with `{ id, result }` or `{ id, error }`, in order.
 *
 * Gradients and weights do not travel in messages: each worker writes its dense gradient into its
 * own region of a shared dense buffer, and in `apply` updates its range of the dense parameters
 * (one set of Adam moments on shared memory) and writes the new weights into a shared vector that
 * every worker loads before it next uses its model (see exchange.ts). In replicated-embeddings
 * mode each worker also writes its rows of every sparse-input gradient into a shared sparse buffer;
 * in shared-embeddings mode it writes the row updates of its share of the batch into its own
 * row-update region (row-update-region.ts), and `apply` names every worker's region.
 */
import type { ModelState } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import type { BalancingArgs } from '../balancers/create-balancer.js';
import type { DenseAdamState, ResolvedAdamArgs } from '../dense-adam.js';
import type { DenseExchange, SparseExchange } from './exchange.js';
import type { ResolvedModelSpec } from './model-spec.js';
import type { PhaseTiming } from './thread-clock.js';

export type WorkerBackend = 'wasm' | 'cpu';

export type WorkerRequest =
  | {
      readonly type: 'init';
      readonly spec: ResolvedModelSpec;
      readonly backend: WorkerBackend;
      readonly workerIndex: number;
      readonly workerCount: number;
      readonly optimizer: ResolvedAdamArgs;
      readonly balancing: BalancingArgs | undefined;
    }
  /** Worker 0: move the model's embeddings to shared memory; returns their handle. */
  | { readonly type: 'shareEmbeddings' }
  /** Workers 1..W-1: use the embeddings of worker 0's handle instead of their own. */
  | { readonly type: 'useSharedEmbeddings'; readonly handle: unknown }
  /** Sparse input shapes of a one-row batch (to size the sparse exchange buffer). */
  | { readonly type: 'describe'; readonly batch: Batch }
  /** The dense buffers (once, before any step or state); the sparse ones (replicated mode, per batch size). */
  | { readonly type: 'denseExchange'; readonly exchange: DenseExchange }
  | { readonly type: 'sparseExchange'; readonly exchange: SparseExchange }
  /** Forward and backward pass on rows [start, end) of `batch`; gradients go to the buffers. */
  | {
      readonly type: 'compute';
      readonly batch: Batch;
      readonly start: number;
      readonly end: number;
      readonly seed: number;
      /** Per task, rows of the whole batch in the task's sample space (loss denominators). */
      readonly counts: readonly number[];
    }
  /**
   * Sums every worker's dense gradients over this worker's range of the parameters (fixed order)
   * and takes the Adam step of that range; applies the sparse rows (all of them, or this worker's
   * shard in shared-embeddings mode).
   */
  | {
      readonly type: 'apply';
      /** Dense variables no worker's loss reached (left alone, as one-thread `fit` leaves them). */
      readonly withoutGradient: readonly number[];
      /**
       * Shared-embeddings mode: every worker's row-update region, in worker order; this worker
       * applies all of them to its shard of the rows (row % workers === its index).
       */
      readonly rowRegions?: readonly SharedArrayBuffer[];
    }
  /** Drops the computed step without applying it (a task loss was not finite). */
  | { readonly type: 'discard' }
  | { readonly type: 'predict'; readonly batch: Batch }
  | { readonly type: 'getState' }
  | { readonly type: 'setState'; readonly model: ModelState; readonly optimizer: DenseAdamState | null }
  | { readonly type: 'dispose' };

export interface InitResult {
  readonly taskNames: readonly string[];
  /** Shapes of the dense variables in optimizer order. */
  readonly denseShapes: readonly (readonly number[])[];
  /** Why this worker cannot train with shared embeddings, or null when it can. */
  readonly cannotShareEmbeddings: string | null;
}

export interface ComputeResult {
  /** Time the request took in the worker (wall, and thread CPU and run-queue wait where known). */
  readonly timing: PhaseTiming;
  /** Per task, this worker's rows' share of L_k (sums over workers to L_k). */
  readonly taskLosses: readonly number[];
  /** Indices (optimizer order) of dense variables this worker's loss did not reach. */
  readonly withoutGradient: readonly number[];
  /** Shared-embeddings mode: the region holding this step's row updates of this worker. */
  readonly rowRegion?: SharedArrayBuffer;
}

export interface ApplyResult {
  readonly timing: PhaseTiming;
  /** Tensors alive in the worker after the step (constant from step to step when nothing leaks). */
  readonly numTensors: number;
}

export interface StateResult {
  readonly model: ModelState;
  readonly optimizer: DenseAdamState;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type WorkerResponse =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}
