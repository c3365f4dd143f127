/**
 * `prepare(batch)`: gathers the batch's embedding rows (plain typed-array code) into input tensors,
 * builds the sequence masks, and returns a PreparedBatch whose `sparseInputs` are the gathered
 * tensors and whose `applySparseGradients` turns their gradients into one optimizer step of the
 * EmbeddingBank over every table.
 */
import {
  ConfigError,
  checkShape,
  type EmbeddingBank,
  type EmbeddingUpdate,
  type PreparedBatch,
  ShapeError,
} from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureLayout } from './feature-layout.js';
import { gatherPooled, pooledRowGradients } from './pooled-gather.js';
import { type GatherPart, gatherRows, scatterRowGradients } from './row-gather.js';

/** The tensors a forward pass reads. */
export interface ModelInputs {
  readonly size: number;
  /** [B, Fs, d] standalone sparse fields, or null when there are none. */
  readonly fields: tf.Tensor | null;
  /** [B, d] target element, or null without sequences. */
  readonly target: tf.Tensor | null;
  /** Per behavior, [B, L_m, d] (empty when the sequences arrive pooled). */
  readonly sequences: readonly tf.Tensor[];
  /** Per behavior, [B, L_m] float32, 1 where the item is not padding (empty when pooled). */
  readonly masks: readonly tf.Tensor[];
  /** Per behavior, the masked mean [B, d], when prepared with `poolSequences` (otherwise empty). */
  readonly pooled: readonly tf.Tensor[];
  /** [B, Fd] dense values, or null when there are no dense fields. */
  readonly dense: tf.Tensor | null;
}

interface GatheredInput {
  readonly tensor: tf.Tensor;
  /** The row updates of this input's gradient (same layout as the tensor, flat). */
  rowUpdates(gradient: Float32Array): EmbeddingUpdate[];
}

function checkBatch(batch: Batch, layout: FeatureLayout, where: string): void {
  if (!batch || !Number.isInteger(batch.size) || batch.size < 1) {
    throw new ShapeError(`${where}: batch.size is invalid`, {
      expected: 'an integer >= 1',
      found: batch?.size,
    });
  }
  const B = batch.size;
  const column = (array: ArrayLike<number> | undefined, length: number, name: string) => {
    if (!array || array.length !== length) {
      throw new ShapeError(`${where}: ${name} has the wrong length`, {
        expected: `${length}`,
        found: array ? array.length : 'nothing',
      });
    }
  };
  for (const field of layout.standaloneFields)
    column(batch.sparse[field.sparseIndex], B, `sparse[${field.sparseIndex}] (${field.name})`);
  for (const index of layout.target?.sparseIndices ?? [])
    if (index !== null) column(batch.sparse[index], B, `sparse[${index}]`);
  for (const field of layout.denseFields)
    column(batch.dense[field.denseIndex], B, `dense[${field.denseIndex}] (${field.name})`);
  layout.behaviors.forEach((behavior, m) => {
    const sequence = batch.sequences[m];
    column(sequence?.items, B * behavior.maxLength, `sequences[${m}].items (${behavior.name})`);
    for (let s = 1; s < layout.elementParts.length; s++) {
      column(sequence!.sideFields[s - 1], B * behavior.maxLength, `sequences[${m}].sideFields[${s - 1}]`);
    }
  });
}

function gathered(
  bank: EmbeddingBank,
  rows: number,
  width: number,
  shape: number[],
  parts: GatherPart[],
): GatheredInput {
  const values = gatherRows(bank, rows, width, parts);
  return {
    tensor: tf.tensor(values, shape, 'float32'),
    rowUpdates: (gradient) => scatterRowGradients(gradient, width, parts),
  };
}

/** Masks: 1 where the item id is not padding. */
function sequenceMask(items: Int32Array, batchSize: number, length: number): tf.Tensor {
  const mask = new Float32Array(items.length);
  for (let i = 0; i < items.length; i++) mask[i] = items[i] === 0 ? 0 : 1;
  return tf.tensor2d(mask, [batchSize, length]); // [B, L]
}

export interface ModelPreparedBatch extends PreparedBatch {
  readonly inputs: ModelInputs;
  rowUpdates(gradients: readonly tf.Tensor[]): EmbeddingUpdate[];
}

/** The gather parts of the target element: one per element part the schema gives a column for. */
export function targetParts(layout: FeatureLayout, batch: Batch): GatherPart[] {
  const parts: GatherPart[] = [];
  layout.target?.sparseIndices.forEach((index, p) => {
    const part = layout.elementParts[p]!;
    if (index === null) return;
    parts.push({
      table: part.table,
      ids: batch.sparse[index]!.slice(),
      rowStride: 1,
      rowOffset: 0,
      column: part.offset,
      width: part.width,
    });
  });
  return parts;
}

export interface PrepareBatchOptions {
  /**
   * Give each behavior as its masked mean [B, d] (`inputs.pooled`), computed during the gather,
   * instead of [B, L, d] rows and a mask: for models whose sequence encoder is `mean-pool`.
   */
  readonly poolSequences: boolean;
}

/** Builds the prepared batch of `batch` (ids are copied, so the caller may reuse its buffers). */
export function prepareBatch(
  bank: EmbeddingBank | null,
  layout: FeatureLayout,
  batch: Batch,
  where: string,
  options: PrepareBatchOptions = { poolSequences: false },
): ModelPreparedBatch {
  checkBatch(batch, layout, where);
  const B = batch.size;
  const d = layout.embeddingDim;
  const inputs: GatheredInput[] = [];
  const owned: tf.Tensor[] = [];
  try {
    let fields: tf.Tensor | null = null;
    const Fs = layout.standaloneFields.length;
    if (Fs > 0) {
      const parts = layout.standaloneFields.map((field, f) => ({
        table: field.table,
        ids: batch.sparse[field.sparseIndex]!.slice(),
        rowStride: Fs,
        rowOffset: f,
        column: 0,
        width: d,
      }));
      const input = gathered(bank!, B * Fs, d, [B, Fs, d], parts); // [B, Fs, d]
      inputs.push(input);
      fields = input.tensor;
    }
    let target: tf.Tensor | null = null;
    if (layout.target) {
      const parts = targetParts(layout, batch);
      const input = gathered(bank!, B, d, [B, d], parts); // [B, d]
      inputs.push(input);
      target = input.tensor;
    }
    const sequences: tf.Tensor[] = [];
    const masks: tf.Tensor[] = [];
    const pooled: tf.Tensor[] = [];
    layout.behaviors.forEach((behavior, m) => {
      const L = behavior.maxLength;
      const columns = batch.sequences[m]!;
      const parts = layout.elementParts.map((part, p) => ({
        table: part.table,
        ids: (p === 0 ? columns.items : columns.sideFields[p - 1]!).slice(),
        rowStride: 1,
        rowOffset: 0,
        column: part.offset,
        width: part.width,
      }));
      if (options.poolSequences) {
        const pooling = gatherPooled(bank!, parts[0]!.ids, B, L, d, parts);
        const tensor = tf.tensor2d(pooling.values, [B, d]); // [B, d]
        inputs.push({ tensor, rowUpdates: (gradient) => pooledRowGradients(gradient, pooling) });
        pooled.push(tensor);
        return;
      }
      const input = gathered(bank!, B * L, d, [B, L, d], parts); // [B, L, d]
      inputs.push(input);
      sequences.push(input.tensor);
      const mask = sequenceMask(columns.items, B, L); // [B, L]
      owned.push(mask);
      masks.push(mask);
    });
    let dense: tf.Tensor | null = null;
    if (layout.denseFields.length > 0) {
      const Fd = layout.denseFields.length;
      const values = new Float32Array(B * Fd);
      layout.denseFields.forEach((field, j) => {
        const column = batch.dense[field.denseIndex]!;
        for (let b = 0; b < B; b++) values[b * Fd + j] = column[b]!;
      });
      dense = tf.tensor2d(values, [B, Fd]); // [B, Fd]
      owned.push(dense);
    }
    const sparseInputs = inputs.map((input) => input.tensor);
    let applied = false;
    let disposed = false;
    const rowUpdates = (gradients: readonly tf.Tensor[], method: string): EmbeddingUpdate[] => {
      if (disposed)
        throw new ConfigError(`${where}: ${method} after dispose`, { expected: 'a live prepared batch' });
      if (gradients.length !== inputs.length) {
        throw new ShapeError(`${where}: ${method} got the wrong number of gradients`, {
          expected: `${inputs.length} (one per sparse input)`,
          found: gradients.length,
        });
      }
      return inputs.flatMap((input, i) => {
        checkShape(gradients[i]!.shape, input.tensor.shape, `${where}: sparse gradient ${i}`);
        return input.rowUpdates(gradients[i]!.dataSync() as Float32Array);
      });
    };
    return {
      size: B,
      sparseInputs,
      inputs: { size: B, fields, target, sequences, masks, pooled, dense },
      applySparseGradients(gradients: readonly tf.Tensor[]): void {
        if (applied && !disposed) {
          throw new ConfigError(`${where}: applySparseGradients was already called for this batch`, {
            expected: 'at most one call per prepared batch',
          });
        }
        const updates = rowUpdates(gradients, 'applySparseGradients');
        applied = true;
        if (bank && updates.length > 0) bank.applyGradients(updates);
      },
      rowUpdates(gradients: readonly tf.Tensor[]): EmbeddingUpdate[] {
        return rowUpdates(gradients, 'rowUpdates');
      },
      dispose(): void {
        if (disposed) return;
        disposed = true;
        tf.dispose([...sparseInputs, ...owned]);
      },
    };
  } catch (error) {
    tf.dispose([...inputs.map((input) => input.tensor), ...owned]);
    throw error;
  }
}
