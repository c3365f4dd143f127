/**
 * The worker side of shared-embeddings mode: whether a model supports it, the row updates of a
 * worker's share of a step, and the sharded application of every worker's updates.
 *
 * Every worker's model reads and writes ONE set of embedding rows (SharedArrayBuffers made by
 * worker 0's `shareEmbeddings()`, adopted by the others with `useSharedEmbeddings`). After the
 * barrier, each worker reads all row-update regions in worker order and applies them to its shard
 * of the rows only (`row % workers === worker`): every touched row is updated exactly once, by one
 * thread, from the sum of all its gradients, which is the one-thread update of that row.
 */
import { ConfigError } from '@dtrn/base';
import type { EmbeddingUpdate, MultiTaskModel, PreparedBatch } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { readRowUpdates } from './row-update-region.js';

const MODEL_HOOKS = ['shareEmbeddings', 'useSharedEmbeddings', 'applyRowUpdates'] as const;

/** Why `model` cannot train with shared embeddings here, or null when it can. */
export function cannotShareEmbeddings(model: MultiTaskModel<Batch>): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable';
  const missing = MODEL_HOOKS.filter((hook) => typeof model[hook] !== 'function');
  if (missing.length > 0) return `the model lacks ${missing.join(', ')}`;
  return null;
}

/**
 * The row updates of `prepared` for the sparse-input gradients `gradients` (a missing gradient
 * counts as zeros, as in one-thread `fit`, whose lazy optimizer still steps those rows).
 */
export function preparedRowUpdates(
  prepared: PreparedBatch,
  gradients: readonly (tf.Tensor | null | undefined)[],
): EmbeddingUpdate[] {
  if (prepared.sparseInputs.length === 0) return [];
  if (typeof prepared.rowUpdates !== 'function') {
    throw new ConfigError('fitParallel: shared embeddings need PreparedBatch.rowUpdates', {
      expected:
        'a model whose prepare(batch) result implements rowUpdates(gradients) (or sharedEmbeddings: false)',
      found: 'a prepared batch without rowUpdates',
    });
  }
  const zeros: tf.Tensor[] = [];
  try {
    const complete = prepared.sparseInputs.map(
      (input, i) => gradients[i] ?? zeros[zeros.push(tf.zerosLike(input)) - 1]!, // [B, ...]
    );
    return prepared.rowUpdates(complete);
  } finally {
    tf.dispose(zeros);
  }
}

/** Applies every worker's updates (worker order) to this worker's shard of the rows. */
export function applySharedRowUpdates(
  model: MultiTaskModel<Batch>,
  regions: readonly SharedArrayBuffer[],
  worker: number,
): void {
  const updates = regions.flatMap((region, w) => readRowUpdates(region, w));
  model.applyRowUpdates!(updates, { shard: { index: worker, count: regions.length } });
}
