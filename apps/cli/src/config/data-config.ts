/**
 * Where a run's data comes from: a synthetic preset (generated per seed), prepared shards, a table
 * described by a dataset config (prepared into the run), or one of the public data sets' raw files
 * (which the user downloads; nothing is fetched).
 */
import { SYNTHETIC_SETTINGS, SYNTHETIC_SIZES } from '@dtrn/datasets';
import * as z from 'zod';
import { strictObject } from './strict-schema.js';

const fraction = z.number().min(0).max(1);

/** How rows are split into train / validation / test (synthetic data and shards written by `prepare`). */
export const splitSchema = strictObject({
  /** `user` (default: no user in two splits), `random` or `time`. */
  by: z.enum(['user', 'random', 'time']).default('user'),
  /** Train, validation and test shares, summing to 1. Default [0.8, 0.1, 0.1]. */
  fractions: z.tuple([fraction, fraction, fraction]).default([0.8, 0.1, 0.1]),
});

export const syntheticDataSchema = strictObject({
  kind: z.literal('synthetic'),
  /** Conflict setting of the multi-behavior generator (DATA.md). */
  setting: z.enum(SYNTHETIC_SETTINGS),
  /** Generator size: tiny 5k rows, small 50k, demo 500k. */
  size: z.enum(SYNTHETIC_SIZES),
  /**
   * Generator knobs over the preset (`MultiBehaviorArgs`, validated by @dtrn/datasets, which names
   * the closest valid key). The seed is the run's seed, not a knob here.
   */
  generator: z.record(z.string(), z.unknown()).default({}),
  split: splitSchema.default({ by: 'user', fractions: [0.8, 0.1, 0.1] }),
});

/**
 * The MMoE paper's synthetic data (Ma et al., KDD 2018, section 4.2; `generateMmoeData` of
 * @dtrn/datasets): 100 dense inputs, tasks whose weight vectors have cosine `correlation`, labels
 * binarised at each task's median. Generated per seed, split by random rows (no users, no time).
 */
export const mmoeSyntheticDataSchema = strictObject({
  kind: z.literal('mmoe-synthetic'),
  /** Cosine between the tasks' weight vectors, in [-1/(numTasks-1), 1] ([-1, 1] for two tasks). */
  correlation: z.number().min(-1).max(1),
  /** Rows generated per seed (before the split). Default 10,000 (the generator's default). */
  numSamples: z.number().int().min(100).default(10_000),
  /**
   * Other generator knobs (`MmoeDataArgs`: inputDim, numTasks, noiseStd, numSines, alphas, betas,
   * scale), validated by @dtrn/datasets; the seed is the run's, the labels are always binarised.
   */
  generator: z.record(z.string(), z.unknown()).default({}),
  /** Train, validation and test shares of the random row split. Default [0.8, 0.1, 0.1]. */
  fractions: z.tuple([fraction, fraction, fraction]).default([0.8, 0.1, 0.1]),
});

/** Shards written by `dtrn prepare` (a directory with `train/`, `validation/`, `test/`). */
export const shardsDataSchema = strictObject({
  kind: z.literal('shards'),
  path: z.string().default(''),
});

/** OTTO JSON lines (one file, e.g. `otto-train.jsonl`). */
export const ottoDataSchema = strictObject({
  kind: z.literal('otto'),
  path: z.string().default(''),
  /** `OttoArgs` of @dtrn/datasets (negatives, lengths, split, minFrequency...). */
  loader: z.record(z.string(), z.unknown()).default({}),
});

/** Ali-CCP: a directory with `sample_skeleton_{train,test}.csv` and `common_features_{train,test}.csv`. */
export const aliCcpDataSchema = strictObject({
  kind: z.literal('ali-ccp'),
  path: z.string().default(''),
  loader: z.record(z.string(), z.unknown()).default({}),
});

/** AliExpress: a country directory with `train.csv` and `test.csv`. */
export const aliExpressDataSchema = strictObject({
  kind: z.literal('aliexpress'),
  path: z.string().default(''),
  loader: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Any table a `@dtrn/prepare` dataset config describes (`dtrn prepare table`'s format), prepared on
 * DuckDB into the run directory (`<out>/prepared`) before the first model trains, once for every
 * seed (the split is the dataset config's); `--resume` reuses it.
 */
export const tableDataSchema = strictObject({
  kind: z.literal('table'),
  /**
   * The dataset config: a YAML or JSON file (relative paths inside resolve against it; relative to
   * the working directory itself), or the config object (as the census-income preset holds it).
   */
  config: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  /** The raw file (`--data`), replacing the dataset config's `file`; '' keeps the config's own. */
  path: z.string().default(''),
});

export const dataSchema = z.discriminatedUnion('kind', [
  syntheticDataSchema,
  mmoeSyntheticDataSchema,
  shardsDataSchema,
  tableDataSchema,
  ottoDataSchema,
  aliCcpDataSchema,
  aliExpressDataSchema,
]);

export type DataConfig = z.output<typeof dataSchema>;
export type SyntheticDataConfig = z.output<typeof syntheticDataSchema>;
export type TableDataConfig = z.output<typeof tableDataSchema>;
export type MmoeSyntheticDataConfig = z.output<typeof mmoeSyntheticDataSchema>;
export const DATA_KINDS = [
  'synthetic',
  'mmoe-synthetic',
  'shards',
  'table',
  'otto',
  'ali-ccp',
  'aliexpress',
] as const;
