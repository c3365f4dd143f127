/** `dtrn compare`: the paper-style comparison (see src/compare/run-compare.ts). */

import { deepMerge } from '@dtrn/base';
import { Command } from 'commander';
import { runCompare } from '../compare/run-compare.js';
import { COMPARE_PRESET_NAMES, comparePreset, withModels } from '../config/compare-presets.js';
import { readConfigFile } from '../config/load-config.js';
import type { CompareConfigInput } from '../config/run-configs.js';
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

interface CompareFlags extends CommonFlags {
  readonly seeds?: number;
  readonly firstSeed?: number;
  readonly models?: string;
  readonly data?: string;
  readonly [key: string]: unknown;
}

/** The comparison config from a preset, a config file and flags (flags win). */
export async function compareConfigFromFlags(flags: CompareFlags): Promise<CompareConfigInput> {
  const fromFile = flags.config ? await readConfigFile(flags.config) : {};
  const models = flags.models
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const preset = flags.preset || !flags.config ? comparePreset(flags.preset ?? 'quick') : null;
  const base = preset && models && models.length > 0 ? withModels(preset, models) : (preset ?? {});
  const merged = deepMerge(base, fromFile) as Record<string, unknown>;
  const withFlags = deepMerge(merged, {
    seeds: flags.seeds,
    firstSeed: flags.firstSeed,
    models,
    training: trainingFlags(flags),
  }) as Record<string, unknown>;
  return { ...withFlags, data: dataPathOverride(withFlags.data, flags.data) } as CompareConfigInput;
}

/** The options of a comparison (`compare`, and `sweep` which runs one per value). */
export function addCompareOptions(command: Command): Command {
  command
    .option(
      '--preset <name>',
      `comparison preset: ${COMPARE_PRESET_NAMES.join(', ')} (default quick without --config)`,
    )
    .option('--seeds <n>', 'number of seeds (default 3)', integer('--seeds', 1))
    .option('--first-seed <n>', 'first seed (seeds are consecutive)', integer('--first-seed', 0))
    .option('--models <list>', "comma-separated model presets (overrides the preset's list)");
  return addTrainingOptions(addRunOptions(command));
}

export function compareCommand(context: CliContext): Command {
  const command = addCompareOptions(
    new Command('compare').description(
      'Train every model preset of a comparison on the same data with the same budget over N seeds; print and save the table, CIs and report.html.',
    ),
  );
  command.addHelpText(
    'after',
    `
Examples:
  $ dtrn compare --preset quick                      # a few minutes: the pipeline end to end
  $ dtrn compare --preset tiny --seeds 2 --out runs/tiny
  $ dtrn compare --preset full-conflict --out runs/full-conflict     # hours on wasm
  $ dtrn compare --preset otto --data ~/data/otto-train.jsonl --out runs/otto
  $ dtrn compare --preset census-income --data census-income.test.gz --out runs/census
  $ dtrn compare --config my-comparison.yaml --jsonl > events.jsonl
  $ dtrn compare --preset full-conflict --out runs/full-conflict --resume   # after Ctrl-C
  $ dtrn compare --preset tiny --seeds 2 --out runs/tiny --models shared-bottom,ple,dtrn-ple,single-task --resume
                                                     # add a model to a finished run: only it trains

Writes config.json, environment.json, metrics.jsonl, results.json, results.md, report.html and
checkpoints/ under --out. Ctrl-C stops after the current step with a checkpoint.`,
  );
  command.action(async (flags: CompareFlags) => {
    const config = await compareConfigFromFlags(flags);
    const out = flags.out ?? defaultOut('compare', String(config.name ?? flags.preset ?? 'custom'));
    await runTrainingAction(flags, context, out, (options) => runCompare({ ...options, config }));
  });
  return command;
}
