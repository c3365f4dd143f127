/**
 * Training batches as a pure function of (seed, epoch, batch index), so a resumed run can start in
 * the middle of an epoch and see exactly the batches an uninterrupted run would. Datasets in
 * memory go through `@dtrn/data`' `batches` (its permutation depends only on seed and epoch);
 * any other source (shards, streams) implements `TrainingBatches` itself.
 */
import { ConfigError, checkNumber, DataError } from '@dtrn/base';
import { type Batch, batches, countBatches, type InMemoryDataset } from '@dtrn/data';

/** The batches of every epoch, restartable at any batch. */
export interface TrainingBatches {
  /** Batches per epoch (the same for every epoch). */
  readonly batchesPerEpoch: number;
  /**
   * Batches `startBatch`, `startBatch + 1`, ... of epoch `epoch`. The same (epoch, index) must
   * always give the same rows in the same order: that is what makes resume exact.
   */
  epoch(epoch: number, startBatch: number): Iterable<Batch>;
}

export interface DatasetBatchesOptions {
  /** Samples per batch. Range: integer >= 1. */
  readonly batchSize: number;
  /** Shuffle the rows every epoch (a permutation seeded by (seed, epoch)). Default true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffling. Default 0; integer in [0, 2^32). */
  readonly seed?: number;
  /** Drop the last, smaller batch of an epoch. Default false. */
  readonly dropLast?: boolean;
}

/** Training batches of an in-memory dataset (`@dtrn/data` `batches`, shuffled per epoch). */
export function datasetBatches(dataset: InMemoryDataset, options: DatasetBatchesOptions): TrainingBatches {
  const batchSize = checkNumber(options.batchSize, { integer: true, min: 1 }, 'batchSize');
  const dropLast = options.dropLast ?? false;
  if (dataset.size === 0) throw new DataError('the dataset is empty', { expected: 'at least one row' });
  const batchesPerEpoch = countBatches(dataset.size, batchSize, dropLast);
  if (batchesPerEpoch === 0) {
    throw new ConfigError('batchSize is larger than the dataset with dropLast', {
      expected: `batchSize <= ${dataset.size}`,
      found: batchSize,
    });
  }
  return {
    batchesPerEpoch,
    epoch: (epoch, startBatch) =>
      batches(dataset, {
        batchSize,
        shuffle: options.shuffle ?? true,
        seed: options.seed ?? 0,
        epoch,
        startBatch,
        dropLast,
      }),
  };
}

/** True for a TrainingBatches source (as opposed to a dataset). */
export function isTrainingBatches(value: unknown): value is TrainingBatches {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TrainingBatches).epoch === 'function' &&
    typeof (value as TrainingBatches).batchesPerEpoch === 'number'
  );
}
