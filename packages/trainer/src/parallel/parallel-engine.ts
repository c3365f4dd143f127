/**
 * The coordinator's side of one data-parallel step, evaluation and state transfer. A step:
 *
 * 1. every worker gets the batch and its contiguous rows [start_w, end_w) and runs forward and
 *    backward on them, with each task's loss divided by the WHOLE batch's sample count of that task
 *    (so the workers' partial losses, and their gradients, add up to the one-thread values);
 * 2. the coordinator adds the partial task losses in worker order and checks them (a non-finite
 *    loss discards the step everywhere: nothing is updated);
 * 3. worker w sums all workers' dense gradients in worker order (the same float32 sum anywhere)
 *    over its range of the dense parameters only and takes the Adam step of that range (one set of
 *    moments on shared memory); every worker loads all the new weights before it next uses its
 *    model (dense-share.ts). Each applies the whole batch's embedding-row gradients to its
 *    embeddings: the copies stay bit-identical.
 *
 * Shared-embeddings mode (`sharedEmbeddings`): the workers use ONE set of embedding rows on
 * shared memory (worker 0's, adopted by the others at start). In step 1 each worker also
 * publishes the row updates of its own rows of the batch (its row-update region); in step 3 each
 * worker applies all workers' updates, in worker order, to its shard of the rows only
 * (row % workers === worker), so every touched row is updated once. Nobody prepares the whole
 * batch. State: read from worker 0; a restore is written by worker 0 into the shared rows, then
 * by the others (identical values again), so every worker also restores its own step count.
 */
import { ConfigError, deriveSeed, ShapeError } from '@dtrn/base';
import type { ModelState } from '@dtrn/core';
import { type Batch, batches, type InMemoryDataset } from '@dtrn/data';
import { MultiTaskAccumulator, type MultiTaskReport } from '@dtrn/metrics';
import { isTrainingBatches } from '../batching.js';
import type { DenseAdamState } from '../dense-adam.js';
import { NonFiniteLossError } from '../errors.js';
import type { EvaluationData } from '../evaluate.js';
import type { StepLocation } from '../train-step.js';
import { compactBatch, shareBatch, sliceBatch, taskSampleCounts, workerRowRange } from './batch-slice.js';
import { createDenseExchange, createSparseExchange, type SparseExchange } from './exchange.js';
import type { ParallelStepTiming } from './parallel-options.js';
import type { ApplyResult, ComputeResult, InitResult, StateResult, WorkerRequest } from './protocol.js';
import { type PhaseTiming, phaseSince, readThreadClock, type ThreadClock } from './thread-clock.js';
import type { WorkerPool } from './worker-pool.js';

type Init = Omit<Extract<WorkerRequest, { type: 'init' }>, 'workerIndex' | 'workerCount' | 'type'>;

/** Seed of worker w's randomness (dropout) at a step: worker 0 uses the step's own seed. */
/** The sum of two phases' timings (null where either is unknown). */
function addTimings(a: PhaseTiming, b: PhaseTiming): PhaseTiming {
  const add = (x: number | null, y: number | null) => (x === null || y === null ? null : x + y);
  return { wallMs: a.wallMs + b.wallMs, cpuMs: add(a.cpuMs, b.cpuMs), waitMs: add(a.waitMs, b.waitMs) };
}

export function workerSeed(stepSeed: number, worker: number): number {
  return worker === 0 ? stepSeed : deriveSeed(stepSeed, 'worker', worker);
}

export class ParallelEngine {
  private sparse: SparseExchange | null = null;
  /**
   * The memory the step's batch is copied into for all workers (reused: a step's batch is read
   * only until every worker answered its `apply`).
   */
  private batchMemory: SharedArrayBuffer | null = null;
  /** Called after every step with the workers' phase timings (diagnostics, benchmarks). */
  onStepTiming: ((timing: ParallelStepTiming) => void) | null = null;
  /** The coordinator's clock when the previous step's updates were done (its inter-step work starts). */
  private afterApply: ThreadClock | null = null;
  /** Tensors alive in each worker after its first and its latest step. */
  readonly tensorCounts: { first: number[] | null; latest: number[] | null } = { first: null, latest: null };

  private constructor(
    private readonly pool: WorkerPool,
    readonly taskNames: readonly string[],
    /** True in shared-embeddings mode. */
    readonly sharedEmbeddings: boolean,
  ) {}

  /**
   * Builds the model in every worker; checks that all copies agree. `sharedEmbeddings`: true
   * requires shared mode (ConfigError when impossible), false forbids it, undefined chooses it
   * when every worker's model supports it.
   */
  static async start(
    pool: WorkerPool,
    init: Init,
    sharedEmbeddings: boolean | undefined,
  ): Promise<ParallelEngine> {
    const described = await pool.all<InitResult>((worker) => ({
      ...init,
      type: 'init',
      workerIndex: worker,
      workerCount: pool.size,
    }));
    const first = described[0]!;
    const signature = (result: InitResult) =>
      JSON.stringify([result.taskNames, result.denseShapes.map((shape) => shape.join('x'))]);
    described.forEach((result, worker) => {
      if (signature(result) !== signature(first)) {
        throw new ShapeError('fitParallel: the workers built different models', {
          expected: `worker 0's tasks and dense shapes ${signature(first)}`,
          found: `worker ${worker}: ${signature(result)}`,
        });
      }
    });
    const denseLength = first.denseShapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
    const reason = described.find((result) => result.cannotShareEmbeddings !== null)?.cannotShareEmbeddings;
    if (sharedEmbeddings === true && reason) {
      throw new ConfigError('fitParallel: sharedEmbeddings: true is impossible here', {
        expected:
          'SharedArrayBuffer and a model with shareEmbeddings, useSharedEmbeddings, applyRowUpdates and PreparedBatch.rowUpdates (or sharedEmbeddings: false)',
        found: reason,
      });
    }
    const shared = sharedEmbeddings ?? reason === undefined;
    if (shared) {
      const handle = await pool.request<unknown>(0, { type: 'shareEmbeddings' });
      await Promise.all(
        Array.from({ length: pool.size - 1 }, (_, w) =>
          pool.request(w + 1, { type: 'useSharedEmbeddings', handle }),
        ),
      );
    }
    const dense = createDenseExchange(pool.size, denseLength);
    await pool.all({ type: 'denseExchange', exchange: dense });
    return new ParallelEngine(pool, first.taskNames, shared);
  }

  get workers(): number {
    return this.pool.size;
  }

  /** One training step over every worker; returns L_k of the whole batch, per task. */
  async step(batch: Batch, location: StepLocation, seed: number): Promise<number[]> {
    const K = this.taskNames.length;
    if (batch.labels.length !== K) {
      throw new ShapeError(
        `batch ${location.batchIndex + 1} of epoch ${location.epoch + 1} has labels for the wrong number of tasks`,
        { expected: `${K} (${this.taskNames.join(', ')})`, found: batch.labels.length },
      );
    }
    if (!this.sharedEmbeddings) await this.ensureSparseExchange(batch);
    const started = performance.now();
    const beforeCompute = this.afterApply ?? readThreadClock();
    const { batch: compact, memory } = shareBatch(batch, this.batchMemory);
    this.batchMemory = memory;
    const counts = taskSampleCounts(compact);
    const W = this.pool.size;
    const results = await this.pool.all<ComputeResult>((worker) => ({
      type: 'compute',
      batch: compact,
      ...workerRowRange(compact.size, W, worker),
      seed: workerSeed(seed, worker),
      counts,
    }));
    const betweenSteps = phaseSince(beforeCompute); // the epoch loop and this batch's posting
    const beforeApply = readThreadClock();
    const taskLosses = counts.map((_, task) => {
      let sum = 0;
      for (const result of results) sum += result.taskLosses[task]!;
      return sum;
    });
    const bad = taskLosses.findIndex((loss) => !Number.isFinite(loss));
    if (bad >= 0) {
      await this.pool.all({ type: 'discard' });
      throw new NonFiniteLossError({ ...location, task: this.taskNames[bad]!, value: taskLosses[bad]! });
    }
    // A variable gets an update when any worker's loss reached it (structurally: all or none).
    const withoutGradient = results[0]!.withoutGradient.filter((index) =>
      results.every((result) => result.withoutGradient.includes(index)),
    );
    const rowRegions = this.sharedEmbeddings ? results.map((result) => result.rowRegion!) : undefined;
    const posting = this.pool.all<ApplyResult>({
      type: 'apply',
      withoutGradient,
      ...(rowRegions ? { rowRegions } : {}),
    });
    const betweenPhases = phaseSince(beforeApply);
    const applied = await posting;
    this.afterApply = readThreadClock();
    const counted = applied.map((result) => result.numTensors);
    this.tensorCounts.first ??= counted;
    this.tensorCounts.latest = counted;
    this.onStepTiming?.({
      wallMs: performance.now() - started,
      compute: results.map((result) => result.timing),
      apply: applied.map((result) => result.timing),
      coordinator: addTimings(betweenSteps, betweenPhases),
    });
    return taskLosses;
  }

  /** Metrics of `data` (inference mode); batches are spread over the workers, read in order. */
  async evaluate(data: EvaluationData, batchSize: number): Promise<MultiTaskReport> {
    this.afterApply = null; // the next step's inter-step time starts afresh
    const accumulator = new MultiTaskAccumulator(this.taskNames);
    const source: Iterable<Batch> = isTrainingBatches(data)
      ? data.epoch(0, 0)
      : Symbol.iterator in data
        ? (data as Iterable<Batch>)
        : batches(data as InMemoryDataset, { batchSize });
    let group: Batch[] = [];
    const flush = async () => {
      const predicted = await Promise.all(
        group.map((batch, index) =>
          this.pool.request<Float32Array[]>(index % this.pool.size, {
            type: 'predict',
            batch: compactBatch(batch),
          }),
        ),
      );
      group.forEach((batch, index) => {
        accumulator.add({
          labels: batch.labels,
          probs: predicted[index]!,
          masks: batch.sampleMasks,
          ...(batch.groups ? { groups: batch.groups } : {}),
        });
      });
      group = [];
    };
    for (const batch of source) {
      group.push(batch);
      if (group.length === 2 * this.pool.size) await flush();
    }
    if (group.length > 0) await flush();
    return accumulator.report();
  }

  /** Worker 0's model and optimizer state (every worker holds the same). */
  getState(): Promise<StateResult> {
    this.afterApply = null; // the next step's inter-step time starts afresh
    return this.pool.request<StateResult>(0, { type: 'getState' });
  }

  /**
   * Puts a model state (and optionally an optimizer state) into every worker. Worker 0 writes the
   * shared parts first (the dense Adam moments; with shared embeddings also the rows); the others
   * then restore their dense copies and step counts (rewriting the same shared values, never
   * concurrently with worker 0).
   */
  async setState(model: ModelState, optimizer: DenseAdamState | null): Promise<void> {
    this.afterApply = null; // the next step's inter-step time starts afresh
    await this.pool.request(0, { type: 'setState', model, optimizer });
    await Promise.all(
      Array.from({ length: this.pool.size - 1 }, (_, w) =>
        this.pool.request(w + 1, { type: 'setState', model, optimizer }),
      ),
    );
  }

  /** Replicated mode: the sparse gradient blocks, sized to the largest batch so far. */
  private async ensureSparseExchange(batch: Batch): Promise<void> {
    if (this.sparse && batch.size <= this.sparse.capacity) return;
    let rowWidths = this.sparse?.rowWidths;
    if (!rowWidths) {
      const shapes = await this.pool.request<number[][]>(0, {
        type: 'describe',
        batch: compactBatch(sliceBatch(batch, 0, 1)),
      });
      rowWidths = shapes.map((shape, input) => {
        if (shape[0] !== 1) {
          throw new ShapeError(`fitParallel: sparse input ${input} of a one-row batch is not [1, ...]`, {
            expected: 'sparse inputs whose first axis is the batch (data parallelism splits it)',
            found: `[${shape.join(', ')}]`,
          });
        }
        return shape.slice(1).reduce((a, b) => a * b, 1);
      });
    }
    this.sparse = createSparseExchange(rowWidths, batch.size);
    await this.pool.all({ type: 'sparseExchange', exchange: this.sparse });
  }
}
