/**
 * `kind: 'mmoe-synthetic'` data: the MMoE paper's generator (`generateMmoeData` of @dtrn/datasets)
 * at one task correlation, generated from the run's seed and split by random rows.
 */
import { ConfigError } from '@dtrn/base';
import { resolveSplitArgs, splitDataset } from '@dtrn/data';
import { generateMmoeData, type MmoeDataArgs, mmoeDataToDataset, resolveMmoeDataArgs } from '@dtrn/datasets';
import type { MmoeSyntheticDataConfig } from '../config/data-config.js';
import type { LoadedData } from './load-data.js';

/** Generator keys the data config sets itself (top-level keys, the run's seed, binary labels). */
const OWN_KEYS: Readonly<Record<string, string>> = {
  correlation: 'data.correlation',
  numSamples: 'data.numSamples',
  seed: "the run's seed (--first-seed, --seeds)",
  binarise: 'nothing: the labels are always binarised at the median',
};

/** The generator's arguments for one seed; a ConfigError names the offending `data` key. */
export function mmoeGeneratorArgs(config: MmoeSyntheticDataConfig, seed: number): MmoeDataArgs {
  for (const key of Object.keys(config.generator)) {
    const owner = OWN_KEYS[key];
    if (owner) {
      throw new ConfigError(`data.generator.${key} is not a generator knob of mmoe-synthetic data`, {
        expected: `set it through ${owner}`,
        found: config.generator[key],
      });
    }
  }
  return {
    ...(config.generator as MmoeDataArgs),
    correlation: config.correlation,
    numSamples: config.numSamples,
    seed,
    binarise: true,
  };
}

/**
 * Validates an mmoe-synthetic config before anything trains: the generator knobs (unknown keys
 * name the closest valid one; a correlation below -1/(numTasks-1) is rejected) and the split.
 */
export function checkMmoeSource(config: MmoeSyntheticDataConfig): void {
  try {
    resolveMmoeDataArgs(mmoeGeneratorArgs(config, 0));
    resolveSplitArgs({ by: 'random', fractions: config.fractions });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`data (mmoe-synthetic): ${error.message}`, { cause: error });
  }
}

/** Generates and splits the data of one seed (the same seed gives the same rows and splits). */
export function loadMmoeData(config: MmoeSyntheticDataConfig, seed: number): LoadedData {
  const args = mmoeGeneratorArgs(config, seed);
  const data = generateMmoeData(args);
  const dataset = mmoeDataToDataset(data);
  const splits = splitDataset(dataset, { by: 'random', fractions: config.fractions, seed });
  const { numTasks, inputDim } = data.args;
  return {
    schema: dataset.schema,
    ...splits,
    description: `mmoe-synthetic correlation ${config.correlation}, ${data.args.numSamples} rows, ${inputDim} inputs, ${numTasks} tasks (seed ${seed})`,
    provenance: { generator: { ...data.args }, medians: data.medians ?? null },
    files: [],
    vocabularies: null,
  };
}
