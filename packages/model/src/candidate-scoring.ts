/**
 * Scoring C candidate items for one context (a user, their sequences and every other feature):
 * the batch's rows agree on every column except the target element's (the target item and its
 * side fields). When the bottom's output for that context does not depend on the target (`shared`
 * bottom with `mean-pool` sequences, or no sequences), the head reads FactoredRows: the context's
 * bottom row [1, D] once, plus each candidate's target embedding [C, d]. Otherwise (TIM, DIN
 * pooling, TRM all read the target) every row runs the full forward pass.
 */
import { ConfigError } from '@dtrn/base';
import { type EmbeddingBank, factoredRows } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import type { MtlHeadBaseArgs, MtlHeadDefinition } from '@dtrn/mtl-heads';
import * as tf from '@tensorflow/tfjs-core';
import { type BottomParams, bottomForward } from './bottom.js';
import type { FeatureLayout } from './feature-layout.js';
import type { ResolvedModelArgs } from './model-args.js';
import { prepareBatch, targetParts } from './prepare-batch.js';
import { gatherRows } from './row-gather.js';

/** Row 0 of a batch as a one-row batch (copies of the columns). */
export function firstRow(batch: Batch): Batch {
  return {
    size: 1,
    sparse: batch.sparse.map((column) => column.slice(0, 1)),
    dense: batch.dense.map((column) => column.slice(0, 1)),
    sequences: batch.sequences.map((s) => ({
      items: s.items.slice(0, s.maxLength),
      sideFields: s.sideFields.map((column) => column.slice(0, s.maxLength)),
      maxLength: s.maxLength,
    })),
    labels: batch.labels.map((column) => column.slice(0, 1)),
    sampleMasks: batch.sampleMasks.map((column) => column?.slice(0, 1)),
    ...(batch.groups ? { groups: batch.groups.slice(0, 1) } : {}),
  };
}

/** The first row (>= 1) whose `width` values from `column` differ from row 0's, or -1. */
function firstDifferentRow(column: ArrayLike<number>, rows: number, width: number): number {
  for (let row = 1; row < rows; row++) {
    for (let j = 0; j < width; j++) {
      if (column[row * width + j] !== column[j]) return row;
    }
  }
  return -1;
}

/**
 * Throws a ConfigError naming the first column and row where a candidate batch's context differs
 * from row 0's (every column but the target element's must be equal on every row).
 */
export function checkCandidateBatch(batch: Batch, layout: FeatureLayout, where: string): void {
  if (!layout.target) {
    throw new ConfigError(`${where}: the schema has no target item to vary`, {
      expected: 'a schema with sequences and a target field',
    });
  }
  const targetColumns = new Set(layout.target.sparseIndices.filter((i): i is number => i !== null));
  const fail = (column: string, row: number) => {
    throw new ConfigError(`${where}: the rows must share every column except the target item's`, {
      expected: `${column} equal to row 0's on every row`,
      found: `a different value at row ${row}`,
    });
  };
  batch.sparse.forEach((column, index) => {
    if (targetColumns.has(index)) return;
    const row = firstDifferentRow(column, batch.size, 1);
    if (row >= 0) fail(`sparse[${index}]`, row);
  });
  batch.dense.forEach((column, index) => {
    const row = firstDifferentRow(column, batch.size, 1);
    if (row >= 0) fail(`dense[${index}]`, row);
  });
  batch.sequences.forEach((sequence, m) => {
    const name = layout.behaviors[m]?.name ?? `${m}`;
    const row = firstDifferentRow(sequence.items, batch.size, sequence.maxLength);
    if (row >= 0) fail(`sequences[${m}].items (${name})`, row);
    sequence.sideFields.forEach((column, s) => {
      const sideRow = firstDifferentRow(column, batch.size, sequence.maxLength);
      if (sideRow >= 0) fail(`sequences[${m}].sideFields[${s}] (${name})`, sideRow);
    });
  });
}

/** True when the bottom's row for a context does not read the target element. */
export function contextIgnoresTarget(args: ResolvedModelArgs, layout: FeatureLayout): boolean {
  return args.bottom === 'shared' && (layout.behaviors.length === 0 || args.sequenceEncoder === 'mean-pool');
}

/** First column of the target element in the bottom's output row: after the standalone fields. */
export function targetColumn(layout: FeatureLayout): number {
  return layout.standaloneFields.length * layout.embeddingDim;
}

/** What the factored path reads of a model. */
export interface FactoredScoringParts {
  readonly bank: EmbeddingBank;
  readonly layout: FeatureLayout;
  readonly args: ResolvedModelArgs;
  readonly bottom: BottomParams;
  readonly headParams: unknown;
  readonly headArgs: MtlHeadBaseArgs;
  readonly forwardFactored: NonNullable<MtlHeadDefinition<MtlHeadBaseArgs, unknown>['forwardFactored']>;
}

/**
 * Probabilities per task ([C] each) of a checked candidate batch: the context's bottom row once
 * ([1, D]), each candidate's target embedding ([C, d]), the head on FactoredRows. No tensors remain.
 */
export function scoreFactored(parts: FactoredScoringParts, batch: Batch, where: string): Float32Array[] {
  const { bank, layout, args } = parts;
  const C = batch.size;
  const d = layout.embeddingDim;
  const context = prepareBatch(bank, layout, firstRow(batch), where, {
    poolSequences: args.sequenceEncoder === 'mean-pool',
  });
  const targets = tf.tensor2d(gatherRows(bank, C, d, targetParts(layout, batch)), [C, d]); // [C, d]
  try {
    const probabilities = tf.tidy(() => {
      const bottom = bottomForward(parts.bottom, args, context.inputs, { training: false });
      const rows = factoredRows(bottom.sharedInput, targets, targetColumn(layout)); // C rows over [1, D]
      const head = parts.forwardFactored(
        parts.headParams,
        { taskInputs: bottom.taskInputs.map(() => rows), sharedInput: rows },
        parts.headArgs,
        { training: false },
      );
      return head.logits.map((logit) => tf.reshape(tf.sigmoid(logit), [-1])); // K x [C]
    });
    const values = probabilities.map((p) => p.dataSync() as Float32Array);
    tf.dispose(probabilities);
    return values;
  } finally {
    targets.dispose();
    context.dispose();
  }
}
