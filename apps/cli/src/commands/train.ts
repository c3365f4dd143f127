/** `dtrn train`: one model preset, one seed, with checkpoints, Ctrl-C and --resume. */

import { deepMerge } from '@dtrn/base';
import { Command } from 'commander';
import { runTrain } from '../compare/run-train.js';
import { COMPARE_PRESET_NAMES, comparePreset, withModels } from '../config/compare-presets.js';
import { readConfigFile } from '../config/load-config.js';
import type { TrainConfigInput } from '../config/run-configs.js';
import {
  addRunOptions,
  addTrainingOptions,
  type CliContext,
  type CommonFlags,
  dataPathOverride,
  defaultOut,
  integer,
  trainingFlags,
} from './common-options.js';
import { runTrainingAction } from './training-action.js';

interface TrainFlags extends CommonFlags {
  readonly model?: string;
  readonly seed?: number;
  readonly data?: string;
  readonly [key: string]: unknown;
}

/**
 * A train config from flags: `--preset` lends its data, training settings and model settings (with
 * the chosen model's `perModel` part: the preset's head sizes, also for a model the preset does not
 * list, as `compare --models` gives them); a config file and flags override them.
 */
export async function trainConfigFromFlags(flags: TrainFlags): Promise<TrainConfigInput> {
  const fromFile = flags.config ? await readConfigFile(flags.config) : {};
  let base: Record<string, unknown> = {};
  if (flags.preset || !flags.config) {
    const preset = comparePreset(flags.preset ?? 'quick');
    const model = flags.model ?? (fromFile.model as string | undefined) ?? preset.models.at(-1)!;
    base = {
      name: `${preset.name}-${model}`,
      data: preset.data,
      model,
      training: preset.training,
      modelOverrides: deepMerge(
        preset.modelOverrides ?? {},
        withModels(preset, [model]).perModel?.[model] ?? {},
      ),
    };
  }
  const merged = deepMerge(deepMerge(base, fromFile), {
    model: flags.model,
    seed: flags.seed,
    training: trainingFlags(flags),
  }) as Record<string, unknown>;
  return { ...merged, data: dataPathOverride(merged.data, flags.data) } as TrainConfigInput;
}

export function trainCommand(context: CliContext): Command {
  const command = new Command('train')
    .description(
      'Train one model preset on one seed: checkpoints, early stopping on validation, test metrics, report.html.',
    )
    .option(
      '--preset <name>',
      `take data and training settings from a comparison preset: ${COMPARE_PRESET_NAMES.join(', ')}`,
    )
    .option('--model <name>', 'model preset (e.g. dtrn-ple, ple, mmoe, shared-bottom)')
    .option('--seed <n>', 'seed of data, split, weights and data order', integer('--seed', 0));
  addTrainingOptions(addRunOptions(command));
  command.addHelpText(
    'after',
    `
Examples:
  $ dtrn train --preset quick --model dtrn-ple --out runs/dtrn-ple
  $ dtrn train --preset quick --model dtrn-ple --out runs/dtrn-ple --resume   # after Ctrl-C
  $ dtrn train --config train.yaml --backend wasm --epochs 3
  $ dtrn train --preset ali-ccp --data ~/data/ali-ccp --model dtrn-mmoe --out runs/ali-ccp-dtrn-mmoe

A train config file (YAML or JSON) has: name, data, model, modelOverrides, seed, training.`,
  );
  command.action(async (flags: TrainFlags) => {
    const config = await trainConfigFromFlags(flags);
    const out = flags.out ?? defaultOut('train', String(config.model ?? 'model'));
    await runTrainingAction(flags, context, out, (options) => runTrain({ ...options, config }));
  });
  return command;
}
