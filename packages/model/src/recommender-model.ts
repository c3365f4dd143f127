/** The model type `createModel` returns: a core `MultiTaskModel` plus what save/load and apps use. */
import type { ModelInspection, MultiTaskModel, PreparedBatch } from '@dtrn/core';
import type { Batch, DatasetSchema } from '@dtrn/data';
import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedModelArgs } from './model-args.js';
import type { ModelConfig } from './model-config.js';

/** Read and write access to one embedding table's rows, for saved models. */
export interface EmbeddingTableAccess {
  /** Unique within the model (single-task models prefix the task: `click/item`). */
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** A copy of every row, [rows * dim] (initialises rows never touched). */
  read(): Float32Array;
  /** Replaces every row; row 0 (padding) must be zeros. */
  write(values: Float32Array): void;
}

export interface ParameterBreakdown {
  /** Dense weights of the bottom (dense-field vectors, encoder, refiner). */
  readonly bottom: number;
  /** Dense weights of the head. */
  readonly head: number;
  /** bottom + head. */
  readonly dense: number;
  /** Embedding rows x widths, padding rows included. */
  readonly embedding: number;
}

export interface RecommenderModel extends MultiTaskModel<Batch> {
  readonly schema: DatasetSchema;
  /** The resolved configuration (JSON-able; `createModel(schema, args)` rebuilds the same model). */
  readonly args: ResolvedModelArgs;
  /** What it was built from: the layout and every block's complete args, per network (`resolveModelConfig`). */
  readonly config: ModelConfig;
  /** N field names in bottom order: feature fields, then one interest per behavior. */
  readonly fieldNames: readonly string[];
  /** Probabilities (sigmoid of the logits) per task, [B] each, inference mode. No tensors remain. */
  predict(batch: Batch): Float32Array[];
  /**
   * Probabilities per task, [C] each, for C candidates of one context: the rows must agree on every
   * column except the target item's (and its side fields); otherwise a ConfigError names the first
   * differing column and row. Equal to `predict(batch)` up to float rounding. With the `shared`
   * bottom and `mean-pool` sequences (or none), and a head with `forwardFactored`, the context is
   * embedded once and each first-layer product splits into a one-row product and a [C, d] one;
   * other models run `predict`. No tensors remain.
   */
  scoreCandidates(batch: Batch): Float32Array[];
  inspect(prepared: PreparedBatch): ModelInspection;
  /** Closed-form counts by part (equal to the sum of variable sizes; tested). */
  parameterBreakdown(): ParameterBreakdown;
  /** Every dense variable under its stable name (the `getState().dense` keys), in a fixed order. */
  namedWeights(): readonly { readonly name: string; readonly variable: tf.Variable }[];
  embeddingTables(): readonly EmbeddingTableAccess[];
}
