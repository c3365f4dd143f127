/**
 * Fixed-size batches over an in-memory dataset. Without shuffling, batches are zero-copy views in
 * row order; with shuffling, rows follow a permutation determined only by `seed` and `epoch` (so a
 * resumed run regenerates the same order and can skip to `startBatch`), and each batch is a gathered
 * copy. The last partial batch is kept unless `dropLast`.
 */
import { checkNumber, createRng, deriveSeed, optionalBoolean, optionalNumber } from '@dtrn/base';
import { checkObject } from './schema-checks.js';
import { sliceRows, takeRows } from './take-rows.js';
import type { InMemoryDataset } from './types.js';

export interface BatchArgs {
  /** Rows per batch. Integer >= 1, required. */
  readonly batchSize: number;
  /** Shuffle rows each epoch. Default false. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle. Integer in [0, 2^32), default 0. */
  readonly seed?: number;
  /** Epoch index; each epoch has its own permutation. Integer >= 0, default 0. */
  readonly epoch?: number;
  /** Index of the first batch to yield (resume inside an epoch). Integer >= 0, default 0. */
  readonly startBatch?: number;
  /** Drop the last batch when it has fewer than `batchSize` rows. Default false. */
  readonly dropLast?: boolean;
}

export type ResolvedBatchArgs = Required<BatchArgs>;

export const DEFAULT_BATCH_ARGS = Object.freeze({
  shuffle: false,
  seed: 0,
  epoch: 0,
  startBatch: 0,
  dropLast: false,
});

/** Validates batch arguments strictly and fills defaults. */
export function resolveBatchArgs(raw: unknown): ResolvedBatchArgs {
  const where = 'BatchArgs';
  const args = checkObject(raw, ['batchSize', 'shuffle', 'seed', 'epoch', 'startBatch', 'dropLast'], where);
  return Object.freeze({
    batchSize: checkNumber(args.batchSize, { integer: true, min: 1 }, `${where}.batchSize`),
    shuffle: optionalBoolean(args.shuffle, DEFAULT_BATCH_ARGS.shuffle, `${where}.shuffle`),
    seed: optionalNumber(
      args.seed,
      DEFAULT_BATCH_ARGS.seed,
      { integer: true, min: 0, below: 2 ** 32 },
      `${where}.seed`,
    ),
    epoch: optionalNumber(args.epoch, DEFAULT_BATCH_ARGS.epoch, { integer: true, min: 0 }, `${where}.epoch`),
    startBatch: optionalNumber(
      args.startBatch,
      DEFAULT_BATCH_ARGS.startBatch,
      { integer: true, min: 0 },
      `${where}.startBatch`,
    ),
    dropLast: optionalBoolean(args.dropLast, DEFAULT_BATCH_ARGS.dropLast, `${where}.dropLast`),
  });
}

/** Number of batches `batches` yields for `size` rows (before `startBatch` is applied). */
export function countBatches(size: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/** The row order of one epoch: a permutation of 0..size-1 from (seed, epoch), or undefined unshuffled. */
export function epochOrder(size: number, seed: number, epoch: number): Uint32Array {
  return createRng(deriveSeed(seed, 'batches', epoch)).permutation(size);
}

/**
 * Yields the batches of one epoch. Each batch is an `InMemoryDataset` (a `Batch` that also carries
 * the schema, timestamps and extras of its rows).
 */
export function* batches(
  dataset: InMemoryDataset,
  args: BatchArgs,
): Generator<InMemoryDataset, void, undefined> {
  const { batchSize, shuffle, seed, epoch, startBatch, dropLast } = resolveBatchArgs(args);
  const total = countBatches(dataset.size, batchSize, dropLast);
  const order = shuffle ? epochOrder(dataset.size, seed, epoch) : undefined;
  for (let index = startBatch; index < total; index++) {
    const start = index * batchSize;
    const end = Math.min(start + batchSize, dataset.size);
    yield order ? takeRows(dataset, order.subarray(start, end)) : sliceRows(dataset, start, end);
  }
}
