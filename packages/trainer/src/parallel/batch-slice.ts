/**
 * Splitting a batch into contiguous row ranges, one per worker, and the per-task sample counts of
 * the whole batch (each worker normalises its partial loss by them, so the partial losses add up to
 * the full batch's loss).
 */
import type { Batch } from '@dtrn/data';

/** Rows [start, end) of worker `worker` out of `workers` for a batch of `size` rows. */
export function workerRowRange(
  size: number,
  workers: number,
  worker: number,
): { start: number; end: number } {
  return {
    start: Math.floor((worker * size) / workers),
    end: Math.floor(((worker + 1) * size) / workers),
  };
}

/** Rows [start, end) of `batch` as a new batch (views: no copy). */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const rows = <T extends Int32Array | Float32Array>(column: T): T => column.subarray(start, end) as T;
  const sequences = batch.sequences.map((sequence) => {
    const length = sequence.maxLength;
    const cut = (column: Int32Array) => column.subarray(start * length, end * length);
    return { ...sequence, items: cut(sequence.items), sideFields: sequence.sideFields.map(cut) };
  });
  return {
    size: end - start,
    sparse: batch.sparse.map(rows),
    dense: batch.dense.map(rows),
    sequences,
    labels: batch.labels.map(rows),
    sampleMasks: batch.sampleMasks.map((mask) => (mask ? rows(mask) : undefined)),
    ...(batch.groups ? { groups: rows(batch.groups) } : {}),
  };
}

/** Rows of the whole batch in each task's sample space (the denominators of the task losses). */
export function taskSampleCounts(batch: Batch): number[] {
  return batch.labels.map((_, task) => {
    const mask = batch.sampleMasks[task];
    if (!mask) return batch.size;
    let count = 0;
    for (let i = 0; i < mask.length; i++) count += mask[i]!;
    return count;
  });
}

/**
 * A compact copy of the columns a step reads, for posting to a worker. Batches of an in-memory
 * dataset may be views into the whole dataset's buffers, and structured cloning a view copies its
 * entire buffer: each column is copied into its own buffer first.
 */
export function compactBatch(batch: Batch): Batch {
  return {
    size: batch.size,
    sparse: batch.sparse.map((column) => column.slice()),
    dense: batch.dense.map((column) => column.slice()),
    sequences: batch.sequences.map((sequence) => ({
      maxLength: sequence.maxLength,
      items: sequence.items.slice(),
      sideFields: sequence.sideFields.map((column) => column.slice()),
    })),
    labels: batch.labels.map((column) => column.slice()),
    sampleMasks: batch.sampleMasks.map((mask) => mask?.slice()),
    ...(batch.groups ? { groups: batch.groups.slice() } : {}),
  };
}
