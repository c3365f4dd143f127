import { splitDataset } from '@dtrn/data';
import {
  generateMultiBehaviorData,
  type MultiBehaviorArgs,
  type SyntheticSetting,
  syntheticPreset,
} from '@dtrn/datasets';
import type { SeedData } from '../check-data.js';
import type { ComparisonDataSource } from '../options.js';

export interface SyntheticSourceArgs {
  readonly setting: SyntheticSetting;
  /** Generator knobs over the `tiny` size (rows, sequence length, ...). */
  readonly generator?: MultiBehaviorArgs;
}

function generate(setting: SyntheticSetting, generator: MultiBehaviorArgs, seed: number): SeedData {
  const data = generateMultiBehaviorData(syntheticPreset(setting, 'tiny', { ...generator, seed }));
  const splits = splitDataset(data, { by: 'user', fractions: [0.6, 0.2, 0.2], seed });
  return { schema: data.schema, ...splits, description: `synthetic ${setting}/tiny (seed ${seed})` };
}

/** `@dtrn/datasets`' generator at the `tiny` size, split 60/20/20 by user, per seed; oracles and the check apply. */
export function syntheticSource(args: SyntheticSourceArgs): ComparisonDataSource {
  const generator = args.generator ?? {};
  return {
    load: async (seed) => generate(args.setting, generator, seed),
    synthetic: {
      control: args.setting === 'control',
      loadControl: async (seed) => generate('control', generator, seed),
    },
  };
}
