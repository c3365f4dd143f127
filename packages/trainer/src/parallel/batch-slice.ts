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

/** Every column of a batch, in the order `shareBatch` lays them out. */
function columnsOf(batch: Batch): (Int32Array | Float32Array)[] {
  return [
    ...batch.sparse,
    ...batch.dense,
    ...batch.sequences.flatMap((sequence) => [sequence.items, ...sequence.sideFields]),
    ...batch.labels,
    ...batch.sampleMasks.filter((mask): mask is Float32Array => mask !== undefined),
    ...(batch.groups ? [batch.groups] : []),
  ];
}

/**
 * A copy of `batch` whose columns are views into one SharedArrayBuffer (`buffer` when it is large
 * enough, else a new one): posting it to several workers copies nothing (each gets views of the same
 * memory). The caller must not overwrite the buffer while a worker may still read the batch.
 */
export function shareBatch(
  batch: Batch,
  buffer: SharedArrayBuffer | null,
): { readonly batch: Batch; readonly memory: SharedArrayBuffer } {
  const columns = columnsOf(batch);
  const bytes = columns.reduce((sum, column) => sum + column.byteLength, 0);
  const memory = buffer && buffer.byteLength >= bytes ? buffer : new SharedArrayBuffer(Math.max(4, bytes));
  let offset = 0;
  const copy = <T extends Int32Array | Float32Array>(column: T): T => {
    const view = (
      column instanceof Int32Array
        ? new Int32Array(memory, offset, column.length)
        : new Float32Array(memory, offset, column.length)
    ) as T;
    view.set(column);
    offset += column.byteLength;
    return view;
  };
  const shared: Batch = {
    size: batch.size,
    sparse: batch.sparse.map(copy),
    dense: batch.dense.map(copy),
    sequences: batch.sequences.map((sequence) => ({
      maxLength: sequence.maxLength,
      items: copy(sequence.items),
      sideFields: sequence.sideFields.map(copy),
    })),
    labels: batch.labels.map(copy),
    sampleMasks: batch.sampleMasks.map((mask) => (mask ? copy(mask) : undefined)),
    ...(batch.groups ? { groups: copy(batch.groups) } : {}),
  };
  return { batch: shared, memory };
}
