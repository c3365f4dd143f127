/**
 * One worker's side of data-parallel training: its copy of the model, its share of the dense Adam
 * step (dense-share.ts: each worker updates a range of the parameters, all load the result, so the
 * copies stay bit-identical) and the step in progress. Sparse rows, replicated mode: every worker
 * holds its own copy of the embeddings and applies the same whole-batch row gradients, through the
 * model's own `applySparseGradients`. Shared-embeddings mode: one set of rows for all workers; each
 * worker publishes the row updates of its own share of the batch and applies everyone's to its
 * shard of the rows (shared-rows.ts).
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import type { MultiTaskModel, PreparedBatch } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
// Registers every op gradient (tfjs-core alone registers none).
import '@tensorflow/tfjs-layers';
import type { LossBalancer } from '../balancers/balancer.js';
import { createBalancer } from '../balancers/create-balancer.js';
import { DenseAdam } from '../dense-adam.js';
import { predictBatch } from '../evaluate.js';
import { createTaskTargets, disposeTargets, maskedTaskLosses, type TaskTarget } from '../loss.js';
import { lossBatch, lossOutputs } from '../loss-space.js';
import { TrainingVariables } from '../training-variables.js';
import { sliceBatch } from './batch-slice.js';
import { DenseShare } from './dense-share.js';
import { type DenseExchange, type SparseExchange, sparseBlock } from './exchange.js';
import { buildModelFromSpec } from './model-spec.js';
import type { ApplyResult, ComputeResult, InitResult, StateResult, WorkerRequest } from './protocol.js';
import { createRowRegion, writeRowUpdates } from './row-update-region.js';
import { applySharedRowUpdates, cannotShareEmbeddings, preparedRowUpdates } from './shared-rows.js';
import { phaseSince, readThreadClock } from './thread-clock.js';

type Init = Extract<WorkerRequest, { type: 'init' }>;
type Compute = Extract<WorkerRequest, { type: 'compute' }>;

/** The step between `compute` and `apply`. */
interface PendingStep {
  readonly batch: Batch;
  readonly seed: number;
  /** A prepared batch covering every row of `batch` (for the sparse update), made once computed. */
  full: PreparedBatch | null;
}

export class WorkerSession {
  private pending: PendingStep | null = null;
  private sparse: SparseExchange | null = null;
  /** Shared-embeddings mode: this worker's row-update region (null in replicated mode). */
  private rowRegion: SharedArrayBuffer | null = null;
  private readonly dense: DenseShare;

  private constructor(
    private readonly init: Init,
    private readonly model: MultiTaskModel<Batch>,
    private readonly variables: TrainingVariables,
    private readonly balancer: LossBalancer,
    private readonly optimizer: DenseAdam,
  ) {
    this.dense = new DenseShare(optimizer, this.trainable, init.workerIndex);
  }

  /** The variables the optimizer updates, in its order. */
  private get trainable(): tf.Variable[] {
    return [...this.variables.dense, ...this.balancer.variables];
  }

  static async create(init: Init): Promise<WorkerSession> {
    const model = await buildModelFromSpec(init.spec);
    const variables = new TrainingVariables(model);
    const balancer = createBalancer(init.balancing, model.taskNames);
    const optimizer = new DenseAdam([...variables.dense, ...balancer.variables], init.optimizer);
    return new WorkerSession(init, model, variables, balancer, optimizer);
  }

  describe(): InitResult {
    return {
      taskNames: [...this.model.taskNames],
      denseShapes: [...this.variables.dense, ...this.balancer.variables].map((v) => [...v.shape]),
      cannotShareEmbeddings: cannotShareEmbeddings(this.model),
    };
  }

  /** Worker 0 of shared-embeddings mode: moves the rows to shared memory, returns the handle. */
  shareEmbeddings(): unknown {
    const handle = this.model.shareEmbeddings!();
    this.rowRegion = createRowRegion();
    return handle;
  }

  /** Workers 1..W-1 of shared-embeddings mode: adopt worker 0's rows. */
  useSharedEmbeddings(handle: unknown): void {
    this.model.useSharedEmbeddings!(handle);
    this.rowRegion = createRowRegion();
  }

  /** Shapes of the sparse inputs of `batch` (a one-row probe). */
  sparseShapes(batch: Batch): number[][] {
    this.dense.load();
    const prepared = this.model.prepare(batch, { training: true });
    try {
      return prepared.sparseInputs.map((input) => [...input.shape]);
    } finally {
      prepared.dispose();
    }
  }

  setDenseExchange(exchange: DenseExchange): void {
    this.dense.attach(exchange);
  }

  setSparseExchange(exchange: SparseExchange): void {
    this.sparse = exchange;
  }

  compute(request: Compute): ComputeResult {
    const clock = readThreadClock();
    this.dense.load();
    this.discard();
    const { batch, start, end, counts } = request;
    const pending: PendingStep = { batch, seed: request.seed, full: null };
    this.pending = pending;
    if (end <= start) {
      this.dense.clearGradients();
      const all = this.trainable.map((_, index) => index);
      const published = this.publishRows([]);
      return {
        taskLosses: counts.map(() => 0),
        withoutGradient: all,
        ...published,
        timing: phaseSince(clock),
      };
    }
    const whole = start === 0 && end === batch.size;
    const slice = whole ? batch : sliceBatch(batch, start, end);
    const options = { training: true, seed: request.seed };
    const prepared = this.model.prepare(slice, options);
    let keepPrepared = false;
    const entire = this.model.entireSpaceTasks;
    const lossView = lossBatch(slice, entire); // entire-space tasks: all rows, label y_k m_k
    const targets: TaskTarget[] = createTaskTargets(lossView.labels, lossView.sampleMasks, slice.size).map(
      // whole-batch denominators (an entire-space task counts every row of the batch)
      (target, task) => ({ ...target, count: entire?.[task] ? batch.size : counts[task]! }),
    );
    try {
      const inputs = [...prepared.sparseInputs, ...this.trainable];
      let stacked: tf.Tensor | null = null;
      const { value, grads } = tf.engine().gradients(
        () => {
          const outputs = lossOutputs(this.model, prepared, options);
          const losses = maskedTaskLosses(outputs.logits, targets);
          stacked = tf.keep(tf.stack(losses)); // [K]
          const objective = this.balancer.combineLosses(losses);
          // Auxiliary terms are means over this slice: weighted by its share, they sum to the batch's.
          const share = slice.size / batch.size;
          const extra = outputs.auxiliaryLosses.flatMap((term) => (term ? [tf.mul(term, share)] : []));
          return extra.length === 0 ? objective : (tf.addN([objective, ...extra]) as tf.Scalar); // []
        },
        inputs,
        undefined,
        true,
      );
      const taskLosses = Array.from((stacked as unknown as tf.Tensor).dataSync());
      tf.dispose([value, stacked as unknown as tf.Tensor]);
      const sparseCount = prepared.sparseInputs.length;
      const withoutGradient: number[] = [];
      for (let index = sparseCount; index < grads.length; index++) {
        if (!grads[index]) withoutGradient.push(index - sparseCount);
      }
      let published = {};
      try {
        if (this.rowRegion) {
          published = this.publishRows(preparedRowUpdates(prepared, grads.slice(0, sparseCount)));
        } else {
          this.writeSparse(prepared, grads.slice(0, sparseCount), start, end);
        }
        this.dense.writeGradients(grads.slice(sparseCount));
      } finally {
        tf.dispose(grads.filter((g): g is tf.Tensor => g !== null && g !== undefined));
      }
      if (whole && !this.rowRegion) {
        pending.full = prepared;
        keepPrepared = true;
      }
      return { taskLosses, withoutGradient, ...published, timing: phaseSince(clock) };
    } finally {
      disposeTargets(targets);
      if (!keepPrepared) prepared.dispose();
    }
  }

  /**
   * Replicated mode: prepares the whole batch for the sparse update (run while the other workers
   * still compute). Shared-embeddings mode needs no whole batch.
   */
  prepareUpdate(): void {
    const pending = this.pending;
    if (!pending || pending.full || this.rowRegion) return;
    pending.full = this.model.prepare(pending.batch, { training: true, seed: pending.seed });
  }

  apply(request: Extract<WorkerRequest, { type: 'apply' }>): ApplyResult {
    const clock = readThreadClock();
    const pending = this.pending;
    if (!pending) {
      throw new ConfigError('parallel worker: apply without a computed step', {
        expected: 'compute, then apply',
      });
    }
    this.prepareUpdate();
    const full = pending.full;
    try {
      if (this.rowRegion) {
        if (!request.rowRegions) {
          throw new ConfigError('parallel worker: apply without row-update regions', {
            expected: "every worker's row-update region (shared-embeddings mode)",
          });
        }
        applySharedRowUpdates(this.model, request.rowRegions, this.init.workerIndex);
      } else if (full && full.sparseInputs.length > 0) {
        const exchange = this.requireSparse();
        const sparseGradients = full.sparseInputs.map((input, i) => {
          const block = sparseBlock(exchange, i);
          return tf.tensor(block.subarray(0, input.size), input.shape, 'float32'); // [B, ...]
        });
        try {
          full.applySparseGradients(sparseGradients);
        } finally {
          tf.dispose(sparseGradients);
        }
      }
      this.dense.step(new Set(request.withoutGradient));
    } finally {
      this.discard();
    }
    return { numTensors: tf.memory().numTensors, timing: phaseSince(clock) };
  }

  discard(): void {
    this.pending?.full?.dispose();
    this.pending = null;
  }

  predict(batch: Batch): Float32Array[] {
    this.dense.load();
    return predictBatch(this.model, batch);
  }

  getState(): StateResult {
    this.dense.load();
    return { model: this.model.getState(), optimizer: this.optimizer.getState() };
  }

  setState(request: Extract<WorkerRequest, { type: 'setState' }>): void {
    this.dense.forget();
    this.model.setState(request.model);
    if (request.optimizer) this.optimizer.setState(request.optimizer);
  }

  dispose(): void {
    this.discard();
    this.optimizer.dispose();
    this.balancer.dispose();
    this.model.dispose();
  }

  /** Writes this worker's row updates into its region (grown when needed); names the region. */
  private publishRows(updates: Parameters<typeof writeRowUpdates>[1]): { rowRegion?: SharedArrayBuffer } {
    if (!this.rowRegion) return {};
    this.rowRegion = writeRowUpdates(this.rowRegion, updates);
    return { rowRegion: this.rowRegion };
  }

  private requireSparse(): SparseExchange {
    if (!this.sparse) {
      throw new ConfigError('parallel worker: no sparse exchange buffers', {
        expected: 'a sparseExchange message first (replicated-embeddings mode)',
      });
    }
    return this.sparse;
  }

  private writeSparse(
    prepared: PreparedBatch,
    gradients: readonly (tf.Tensor | null | undefined)[],
    start: number,
    end: number,
  ): void {
    const exchange = this.requireSparse();
    const rows = end - start;
    prepared.sparseInputs.forEach((input, i) => {
      const width = exchange.rowWidths[i];
      if (width === undefined || input.shape[0] !== rows || input.size !== rows * width) {
        throw new ShapeError(`parallel worker: sparse input ${i} is not split by batch rows`, {
          expected: `shape [${rows}, ...] with ${width ?? '?'} values per row (the first axis must be the batch)`,
          found: `[${input.shape.join(', ')}]`,
        });
      }
      if (end > exchange.capacity) {
        throw new ShapeError('parallel worker: the batch is larger than the exchange buffers', {
          expected: `at most ${exchange.capacity} rows`,
          found: end,
        });
      }
      const block = sparseBlock(exchange, i);
      const gradient = gradients[i];
      if (gradient) block.set(gradient.dataSync() as Float32Array, start * width);
      else block.fill(0, start * width, end * width);
    });
  }
}
