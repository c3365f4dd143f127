/**
 * STEM-style embeddings (bottom `stem`): one shared EmbeddingBank table per layout table plus one
 * per task, all in one bank (one lazy optimizer step per batch over every table). `prepare` gathers
 * the batch K + 1 times, once per table set, through the ordinary `prepareBatch` on a layout whose
 * table names point at that set; the prepared batch's sparse inputs are the K + 1 gathers in order
 * (shared first), and their row gradients become one optimizer step.
 */

import type { EmbeddingBank } from '@dtrn/core';
import { ConfigError, type EmbeddingTableSpec, type EmbeddingUpdate } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import type * as tf from '@tensorflow/tfjs-core';
import type { FeatureLayout } from './feature-layout.js';
import { type ModelPreparedBatch, type PrepareBatchOptions, prepareBatch } from './prepare-batch.js';

/** The bank's name of task k's copy of `table` (bank names allow letters, digits, `_`, `.`, `-`). */
export function stemTableName(table: string, task: number): string {
  return `task${task}.${table}`;
}

/** Shared tables (the layout's, same names) then every task's copies, task by task: (K + 1) x tables. */
export function stemTables(layout: FeatureLayout, numTasks: number): EmbeddingTableSpec[] {
  const perTask = Array.from({ length: numTasks }, (_, k) =>
    layout.tables.map((spec) => ({ ...spec, name: stemTableName(spec.name, k) })),
  );
  return [...layout.tables, ...perTask.flat()];
}

/** The layout reading task k's tables instead of the shared ones (same fields, widths, offsets). */
export function taskLayout(layout: FeatureLayout, task: number): FeatureLayout {
  return renameLayoutTables(layout, (table) => stemTableName(table, task));
}

/** `layout` with every table name mapped by `rename` (fields, widths and offsets unchanged). */
export function renameLayoutTables(layout: FeatureLayout, rename: (table: string) => string): FeatureLayout {
  return {
    ...layout,
    tables: layout.tables.map((spec) => ({ ...spec, name: rename(spec.name) })),
    standaloneFields: layout.standaloneFields.map((field) => ({ ...field, table: rename(field.table) })),
    elementParts: layout.elementParts.map((part) => ({ ...part, table: rename(part.table) })),
  };
}

/** The user-facing name of a bank table: `<table>` (shared) or `<taskName>/<table>` (task k's). */
export function stemDisplayName(bankName: string, taskNames: readonly string[]): string {
  const match = /^task(\d+)\.(.+)$/.exec(bankName);
  const task = match ? taskNames[Number(match[1])] : undefined;
  return task === undefined ? bankName : `${task}/${match![2]}`;
}

/** A STEM prepared batch: the shared gather's inputs as `inputs`, task k's as `taskInputs[k]`. */
export interface StemPreparedBatch extends ModelPreparedBatch {
  readonly taskInputs: readonly ModelPreparedBatch['inputs'][];
}

/** Gathers `batch` from the shared tables and from each task's tables (K + 1 prepared parts). */
export function prepareStemBatch(
  bank: EmbeddingBank,
  layouts: readonly FeatureLayout[],
  batch: Batch,
  where: string,
  options: PrepareBatchOptions,
): StemPreparedBatch {
  const parts: ModelPreparedBatch[] = [];
  try {
    for (const layout of layouts) parts.push(prepareBatch(bank, layout, batch, where, options));
  } catch (error) {
    for (const part of parts) part.dispose();
    throw error;
  }
  const counts = parts.map((part) => part.sparseInputs.length);
  const rowUpdates = (gradients: readonly tf.Tensor[]): EmbeddingUpdate[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    if (gradients.length !== total) {
      throw new ConfigError(`${where}: got the wrong number of sparse gradients`, {
        expected: `${total} (one per sparse input: shared, then each task's)`,
        found: gradients.length,
      });
    }
    let offset = 0;
    return parts.flatMap((part, p) => {
      const slice = gradients.slice(offset, offset + counts[p]!);
      offset += counts[p]!;
      return part.rowUpdates(slice);
    });
  };
  let applied = false;
  return {
    size: batch.size,
    sparseInputs: parts.flatMap((part) => part.sparseInputs),
    inputs: parts[0]!.inputs,
    taskInputs: parts.slice(1).map((part) => part.inputs),
    applySparseGradients(gradients: readonly tf.Tensor[]): void {
      if (applied) {
        throw new ConfigError(`${where}: applySparseGradients was already called for this batch`, {
          expected: 'at most one call per prepared batch',
        });
      }
      const updates = rowUpdates(gradients);
      applied = true;
      if (updates.length > 0) bank.applyGradients(updates); // one step over every table
    },
    rowUpdates,
    dispose(): void {
      for (const part of parts) part.dispose();
    },
  };
}
