/** `dtrn prepare <otto|ali-ccp|aliexpress|synthetic>`: raw data -> split shards. */

import { ConfigError, deepMerge } from '@dtrn/base';
import { SYNTHETIC_SETTINGS, SYNTHETIC_SIZES } from '@dtrn/datasets';
import { Argument, Command, Option } from 'commander';
import { readConfigFile } from '../config/load-config.js';
import { PREPARE_DATASETS, runPrepare } from '../data/run-prepare.js';
import {
  addMessageOptions,
  type CliContext,
  type CommonFlags,
  integer,
  reporterFor,
} from './common-options.js';
import { prepareTableCommand } from './prepare-table.js';

interface PrepareFlags extends CommonFlags {
  readonly data?: string;
  readonly setting: string;
  readonly size: string;
  readonly seed?: number;
  readonly rowsPerShard?: number;
  readonly overwrite?: boolean;
  readonly badInput?: 'error' | 'skip';
}

export function prepareCommand(context: CliContext): Command {
  const command = new Command('prepare')
    .description(
      'Read raw data (or generate a synthetic preset), validate, map ids, split, and write shards for train/compare.',
    )
    .addArgument(new Argument('<dataset>', 'data set').choices(PREPARE_DATASETS))
    .option('--data <path>', 'the downloaded file (OTTO) or directory (Ali-CCP, AliExpress)')
    .requiredOption('--out <dir>', 'output directory (train/, validation/, test/ shards and prepare.json)')
    .option(
      '--config <file>',
      'JSON or YAML with loader arguments (OTTO/Ali-CCP/AliExpress) or generator knobs (synthetic)',
    )
    .addOption(
      new Option('--setting <name>', 'synthetic setting').choices(SYNTHETIC_SETTINGS).default('control'),
    )
    .addOption(new Option('--size <name>', 'synthetic size').choices(SYNTHETIC_SIZES).default('small'))
    .option('--seed <n>', 'seed of splits, sampling and generation', integer('--seed', 0))
    .option('--rows-per-shard <n>', 'rows per shard file', integer('--rows-per-shard', 1))
    .option('--overwrite', 'replace an --out written by an earlier dtrn prepare')
    .addOption(
      new Option(
        '--bad-input <policy>',
        'bad raw rows: error (stop at the first, naming file, line and field) or skip (count by reason)',
      ).choices(['error', 'skip']),
    );
  command.addCommand(prepareTableCommand(context));
  return addMessageOptions(command, { backend: false })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn prepare otto --data ~/data/otto-train.jsonl --out prepared/otto
  $ dtrn prepare ali-ccp --data ~/data/ali-ccp --out prepared/ali-ccp --config ali-ccp.yaml
  $ dtrn prepare aliexpress --data ~/data/AliExpress_NL --out prepared/aliexpress-nl --bad-input skip
  $ dtrn prepare synthetic --setting full-conflict --size demo --out prepared/full-conflict
  $ dtrn prepare table --config dataset.yaml --out prepared/mine   (your own data in one YAML)

Then: dtrn compare --preset otto --data prepared/otto   (or dtrn train --model ple --data prepared/otto)
Writes to a temporary directory beside --out and renames it at the end: a failed prepare leaves nothing.`,
    )
    .action(async (dataset: (typeof PREPARE_DATASETS)[number], flags: PrepareFlags) => {
      if (dataset === 'synthetic' && flags.badInput) {
        throw new ConfigError('--bad-input is for raw files (otto, ali-ccp, aliexpress)', {
          found: 'synthetic',
        });
      }
      const extra = flags.config ? await readConfigFile(flags.config) : {};
      const badInput = flags.badInput ? { badInput: flags.badInput } : {};
      const data =
        dataset === 'synthetic'
          ? { kind: 'synthetic', setting: flags.setting, size: flags.size, generator: extra }
          : { kind: dataset, path: flags.data ?? '', loader: deepMerge(extra, badInput) };
      await runPrepare({
        data,
        out: flags.out!,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.rowsPerShard !== undefined ? { rowsPerShard: flags.rowsPerShard } : {}),
        overwrite: flags.overwrite ?? false,
        progress: reporterFor(flags, context),
      });
    });
}
