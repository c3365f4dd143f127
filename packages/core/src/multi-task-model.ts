/**
 * The contract between a multi-task model and a trainer. `@dtrn/model` implements it; `@dtrn/trainer`
 * needs nothing else, so any recommender that implements it can use the trainer (and its loss
 * balancers, early stopping and checkpoints).
 *
 * A step: `prepare(batch)` turns a batch of ids into tensors (embedding rows gathered in plain
 * typed-array code), `forward(prepared)` computes K logits from those tensors and the dense
 * variables, the trainer differentiates its loss with respect to `prepared.sparseInputs` and the
 * dense variables, hands the sparse gradients back with `applySparseGradients`, and updates the
 * dense variables with its own optimizer.
 *
 * What `@dtrn/trainer` relies on (its README has the details):
 * - `forward` is a function of `prepared`, `options` and the variables only. Balancers that need
 *   per-task gradients (GradNorm, PCGrad) call it once per task on the same `prepared` with the same
 *   `options.seed`, so its randomness (dropout) must come from that seed alone.
 * - Gradients are taken with one backward pass with respect to `[...prepared.sparseInputs,
 *   ...variableGroups.shared, ...variableGroups.perTask.flat()]`; a variable the losses do not reach
 *   gets no update. Op gradients are registered by the trainer (it imports tfjs-layers).
 * - `applySparseGradients` is called at most once per prepared batch, and only after every task
 *   loss was checked finite (a NaN step updates nothing).
 * - `getState` returns copies (the trainer keeps one as the best epoch's weights) under names that
 *   do not depend on the instance, so a state restores into a fresh model built from the same
 *   config (resume). The sparse part is any tree of plain objects, arrays, numbers, strings,
 *   booleans, null and typed arrays (checkpoints encode it generically).
 * - Sparse-optimizer settings and L2 on touched rows are the model's (its EmbeddingBank's), not the
 *   trainer's.
 *
 * Optional hooks for data-parallel training with ONE set of embedding rows shared by several
 * threads (`fitParallel` with `sharedEmbeddings`): `PreparedBatch.rowUpdates` returns the row
 * updates `applySparseGradients` would apply; `shareEmbeddings` / `useSharedEmbeddings` hand the
 * embedding storage from one thread's model to the others'; `applyRowUpdates` takes one sparse
 * optimizer step from updates (possibly only a shard of the rows). A model implements all four or
 * none; models without them train in replicated mode.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ApplyGradientsOptions, EmbeddingUpdate } from './embedding/index.js';

export interface ForwardOptions {
  /** Training mode (dropout on). */
  readonly training: boolean;
  /** Seed of this step's randomness (dropout), so runs and resumed runs repeat exactly. */
  readonly seed?: number;
}

/**
 * What a model's training loss is computed from, when that is not BCE on `forward`'s logits over
 * each task's sample space (ESMM, AITM). The caller disposes every tensor.
 */
export interface TrainingOutputs {
  /** K x [B, 1]: the logits of the task losses (ESMM: the pCTCVR logit for conversion). */
  readonly logits: tf.Tensor[];
  /** K: an extra loss term [] added with task k's loss (AITM's calibrator), or null. */
  readonly auxiliaryLosses: (tf.Scalar | null)[];
}

/** A batch turned into tensors. The trainer disposes it after the step. */
export interface PreparedBatch {
  /** Number of samples. */
  readonly size: number;
  /**
   * Tensors built from embedding rows that the forward pass reads; their gradients are the
   * gradients of the touched rows. Differentiate the loss with respect to them.
   */
  readonly sparseInputs: readonly tf.Tensor[];
  /**
   * Applies the gradients of `sparseInputs` (same order and shapes) to the embedding rows: one step
   * of the sparse optimizer on the touched rows only. Does not dispose the gradients.
   */
  applySparseGradients(gradients: readonly tf.Tensor[]): void;
  /**
   * The row updates `applySparseGradients(gradients)` would apply, without applying them (copies
   * or fresh arrays: they stay valid after `dispose`). Table names are the ones
   * `MultiTaskModel.applyRowUpdates` accepts. Optional.
   */
  rowUpdates?(gradients: readonly tf.Tensor[]): EmbeddingUpdate[];
  /** Frees the tensors. */
  dispose(): void;
}

/**
 * Dense trainable variables split for loss balancers (GradNorm, PCGrad): shared and task-owned.
 * Every float32 variable any task loss depends on, each exactly once; `perTask` has one list per
 * task (empty lists allowed). Their order is part of the optimizer state in checkpoints: keep it
 * stable for a given config.
 */
export interface VariableGroups {
  /** Variables every task's loss depends on (embedding-side dense weights, experts, bottoms...). */
  readonly shared: readonly tf.Variable[];
  /** Per task k, variables only task k's loss depends on (its tower, its gate...). */
  readonly perTask: readonly (readonly tf.Variable[])[];
}

/** Numbers for inspection and reports (not tensors): gate utilisation, field weights. */
export interface ModelInspection {
  /** Mean gate weight per expert, per gate (`gate` names the gate, `task` its task or null). */
  readonly gates?: readonly {
    readonly gate: string;
    readonly task: number | null;
    readonly expertWeights: readonly number[];
  }[];
  /** Mean TRM field weight per (task, field). */
  readonly fieldWeights?: readonly {
    readonly task: number;
    readonly fields: readonly string[];
    readonly weights: readonly number[];
  }[];
}

/** Serializable training state of a model: dense weights and sparse embedding state. */
export interface ModelState {
  /** Dense weights by stable name (the same for every instance built from the same config). */
  readonly dense: Readonly<
    Record<string, { readonly shape: readonly number[]; readonly values: Float32Array }>
  >;
  /** Opaque sparse state (embedding rows, optimizer slots, step), typed arrays plus JSON metadata. */
  readonly sparse: unknown;
}

export interface MultiTaskModel<TBatch = unknown> {
  /** Task names in order; logits[k] belongs to taskNames[k]. */
  readonly taskNames: readonly string[];
  /** All dense trainable variables, each exactly once across the groups. */
  readonly variableGroups: VariableGroups;
  /** Builds the tensors of a batch (gathers embedding rows). */
  prepare(batch: TBatch, options: ForwardOptions): PreparedBatch;
  /** K logits, each [B, 1]. Reads only `prepared` and the model's variables. */
  forward(prepared: PreparedBatch, options: ForwardOptions): tf.Tensor[];
  /**
   * Optional: the outputs the training loss is computed from (see `TrainingOutputs`), under the
   * same rules as `forward`. Without it the trainer uses `forward`'s logits and no extra terms.
   */
  forwardForLoss?(prepared: PreparedBatch, options: ForwardOptions): TrainingOutputs;
  /**
   * Optional: per task, whether its training loss runs over every row with label "this task and
   * its sample space's parent positive" (label times sample mask, no mask), ESMM's entire space.
   * Absent: every task's loss runs over its sample space.
   */
  readonly entireSpaceTasks?: readonly boolean[];
  /** Inspection numbers for a batch (gate utilisation, field weights); optional. */
  inspect?(prepared: PreparedBatch): ModelInspection;
  /** Parameter counts: dense weights and embedding rows x dims. */
  parameterCount(): { readonly dense: number; readonly embedding: number };
  /** A copy of the training state (for checkpoints and best-weight restore). */
  getState(): ModelState;
  /** Restores a state from `getState()` (shapes validated). */
  setState(state: ModelState): void;
  /**
   * Moves the embeddings to shared memory if they are not there yet (copying the initialised rows
   * once) and returns a structured-cloneable handle of them for `useSharedEmbeddings` in another
   * thread. Optional (see the data-parallel hooks above).
   */
  shareEmbeddings?(): unknown;
  /**
   * Replaces this model's embeddings by the ones of `handle` (from `shareEmbeddings()` of a model
   * built from the same config, possibly in another thread): no copies, both models then read and
   * write the same rows. A ConfigError when the tables or optimizer settings differ. Optional.
   */
  useSharedEmbeddings?(handle: unknown): void;
  /**
   * One sparse optimizer step from `updates` (as `rowUpdates` returns them, possibly concatenated
   * over several prepared batches of one step): what `applySparseGradients` does, with
   * `options.shard` restricting it to one disjoint part of the rows. Optional.
   */
  applyRowUpdates?(updates: readonly EmbeddingUpdate[], options?: ApplyGradientsOptions): void;
  /** Frees every variable and buffer. */
  dispose(): void;
}
