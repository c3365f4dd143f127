/**
 * Training batches as a pure function of (seed, epoch, batch index), so a resumed run can start in
 * the middle of an epoch and see exactly the batches an uninterrupted run would.
 */
import { ConfigError, checkNumber, DataError, deriveSeed, Rng } from '@dtrn/base';
import type { Batch, InMemoryDataset } from '@dtrn/datasets';

/** Random access to the batches of every epoch. */
export interface TrainingBatches {
  /** Samples per epoch. */
  readonly sampleCount: number;
  /** Batches per epoch (the same for every epoch). */
  readonly batchesPerEpoch: number;
  /** Batch `index` of epoch `epoch`: the same arguments must always give the same rows in the same order. */
  batch(epoch: number, index: number): Batch;
}

export interface DatasetBatchesOptions {
  /** Samples per batch. Range: integer >= 1. */
  readonly batchSize: number;
  /** Shuffle the rows every epoch (a permutation seeded by (seed, epoch)). Default true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffling. Default 0. */
  readonly seed?: number;
  /** Drop the last, smaller batch of an epoch. Default false. */
  readonly dropRemainder?: boolean;
}

function gatherColumn<T extends Int32Array | Float32Array>(
  column: T,
  width: number,
  rows: Uint32Array,
  make: (length: number) => T,
): T {
  const out = make(rows.length * width);
  if (width === 1) {
    for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]!]!;
  } else {
    for (let i = 0; i < rows.length; i++) {
      const start = rows[i]! * width;
      out.set(column.subarray(start, start + width), i * width);
    }
  }
  return out;
}

/** The columns a Batch needs (not timestamps or extras) for the given rows, copied in that order. */
export function gatherBatch(dataset: Batch, rows: Uint32Array): Batch {
  const int32 = (column: Int32Array, width = 1) =>
    gatherColumn(column, width, rows, (length) => new Int32Array(length));
  const float32 = (column: Float32Array) =>
    gatherColumn(column, 1, rows, (length) => new Float32Array(length));
  return {
    size: rows.length,
    sparse: dataset.sparse.map((column) => int32(column)),
    dense: dataset.dense.map(float32),
    sequences: dataset.sequences.map((sequence) => ({
      items: int32(sequence.items, sequence.maxLength),
      sideFields: sequence.sideFields.map((column) => int32(column, sequence.maxLength)),
      maxLength: sequence.maxLength,
    })),
    labels: dataset.labels.map(float32),
    sampleMasks: dataset.sampleMasks.map((mask) => (mask ? float32(mask) : undefined)),
    ...(dataset.groups ? { groups: int32(dataset.groups) } : {}),
  };
}

/** Batches of an in-memory dataset, shuffled per epoch by a permutation seeded by (seed, epoch). */
export function datasetBatches(
  dataset: InMemoryDataset | Batch,
  options: DatasetBatchesOptions,
): TrainingBatches {
  const batchSize = checkNumber(options.batchSize, { integer: true, min: 1 }, 'batchSize');
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? 0;
  const size = dataset.size;
  if (size === 0) throw new DataError('the dataset is empty', { expected: 'at least one row' });
  const batchesPerEpoch = options.dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
  if (batchesPerEpoch === 0) {
    throw new ConfigError('batchSize is larger than the dataset with dropRemainder', {
      expected: `batchSize <= ${size}`,
      found: batchSize,
    });
  }
  let cachedEpoch = -1;
  let order: Uint32Array = Uint32Array.from({ length: size }, (_, i) => i);
  return {
    sampleCount: batchesPerEpoch === Math.ceil(size / batchSize) ? size : batchesPerEpoch * batchSize,
    batchesPerEpoch,
    batch(epoch: number, index: number): Batch {
      if (!Number.isInteger(index) || index < 0 || index >= batchesPerEpoch) {
        throw new ConfigError('batch index out of range', {
          expected: `an integer in [0, ${batchesPerEpoch})`,
          found: index,
        });
      }
      if (shuffle && epoch !== cachedEpoch) {
        order = new Rng(deriveSeed(seed, 'shuffle', epoch)).permutation(size);
        cachedEpoch = epoch;
      }
      const start = index * batchSize;
      return gatherBatch(dataset, order.subarray(start, Math.min(size, start + batchSize)));
    },
  };
}

/** True for a TrainingBatches source (as opposed to a dataset). */
export function isTrainingBatches(value: unknown): value is TrainingBatches {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TrainingBatches).batch === 'function' &&
    typeof (value as TrainingBatches).batchesPerEpoch === 'number'
  );
}
