/**
 * What every loader does with its per-split batches: one `DatasetBuilder` per split, the final
 * flush, and `loadX` as `streamX`'s run with unbounded batches collected into one dataset per split.
 */

import type { DatasetSchema, InMemoryDataset } from '@dtrn/data';
import type { LeakageReport } from '../../leakage/find-leaky-features.js';
import { DatasetBuilder } from './dataset-builder.js';
import type { BatchHandler } from './leakage-hook.js';
import { SPLIT_NAMES, type SplitName } from './split-assignment.js';

/** What every `streamX` returns: the schema, the resolved args, the vocabularies and a report. */
export interface LoaderStreamResult<Args, Vocabularies, Report> {
  readonly schema: DatasetSchema;
  readonly args: Args;
  readonly vocabularies: Vocabularies;
  readonly report: Report;
  /** The leakage check on the first training batch (undefined without training rows). */
  readonly leakage: LeakageReport | undefined;
}

/** What `loadX` adds to its stream result: one in-memory dataset per split. */
export interface LoadedSplits {
  readonly datasets: Readonly<Record<SplitName, InMemoryDataset>>;
}

/** One builder per split, all with `schema` and the same options. */
export function splitBuilders(
  schema: DatasetSchema,
  options: ConstructorParameters<typeof DatasetBuilder>[1],
): Record<SplitName, DatasetBuilder> {
  return Object.fromEntries(SPLIT_NAMES.map((name) => [name, new DatasetBuilder(schema, options)])) as Record<
    SplitName,
    DatasetBuilder
  >;
}

/**
 * Emits the rows left in the builders of `names`. With unbounded batches (`loadX`) every split is
 * emitted, even an empty one, so the caller gets a dataset per split.
 */
export async function flushSplits(
  builders: Record<SplitName, DatasetBuilder>,
  names: readonly SplitName[],
  batchSize: number,
  onBatch: BatchHandler,
): Promise<void> {
  for (const name of names) {
    if (builders[name].size > 0 || batchSize === Number.POSITIVE_INFINITY) {
      await onBatch(name, builders[name].take());
    }
  }
}

/** Runs a loader's streaming `run` with unbounded batches and keeps the one batch of each split. */
export async function collectSplits<Result extends object>(
  run: (batchSize: number, onBatch: BatchHandler) => Promise<Result>,
): Promise<Result & LoadedSplits> {
  const datasets: Partial<Record<SplitName, InMemoryDataset>> = {};
  const result = await run(Number.POSITIVE_INFINITY, (split, batch) => {
    datasets[split] = batch;
  });
  return { ...result, datasets: datasets as Record<SplitName, InMemoryDataset> };
}
