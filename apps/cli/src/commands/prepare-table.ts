/**
 * `dtrn prepare table --config dataset.yaml --out <dir>`: any tabular data set described by a
 * declarative YAML or JSON config, prepared on DuckDB (`@dtrn/prepare`) into the same shard
 * directory as the named loaders, so `train`, `compare` and `evaluate` read it with `--data <dir>`.
 */
import { ConfigError } from '@dtrn/base';
import { formatPrepareReport, prepareTable, readTableConfigFile } from '@dtrn/prepare';
import { Command } from 'commander';
import { showPrepareEvents } from '../data/prepare-events.js';
import { type CliContext, type CommonFlags, integer, reporterFor } from './common-options.js';

interface PrepareTableFlags extends CommonFlags {
  readonly data?: string;
  readonly rowsPerShard?: number;
  readonly overwrite?: boolean;
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  readonly threads?: number;
  readonly badInput?: 'error' | 'skip';
}

/** `--bad-input` and the DuckDB flags over the config's keys (flags win over the file). */
function withFlags(config: Record<string, unknown>, flags: PrepareTableFlags): Record<string, unknown> {
  const duckdb: Record<string, unknown> = {
    ...((config.duckdb as Record<string, unknown> | undefined) ?? {}),
  };
  if (flags.memoryLimit !== undefined) duckdb.memoryLimit = flags.memoryLimit;
  if (flags.tempDirectory !== undefined) duckdb.tempDirectory = flags.tempDirectory;
  if (flags.threads !== undefined) duckdb.threads = flags.threads;
  return {
    ...config,
    ...(Object.keys(duckdb).length > 0 ? { duckdb } : {}),
    ...(flags.badInput !== undefined ? { badInput: flags.badInput } : {}),
  };
}

export function prepareTableCommand(context: CliContext): Command {
  return new Command('table')
    .description(
      'Prepare any table (CSV, TSV, JSON lines, Parquet; .gz allowed) described by a dataset config (YAML or JSON) into train/validation/test shards, on DuckDB.',
    )
    .option(
      '--memory-limit <size>',
      'DuckDB memory limit, e.g. 4GB (it spills to --temp-directory beyond it)',
    )
    .option('--temp-directory <dir>', 'where DuckDB spills when the memory limit is reached')
    .option('--threads <n>', 'DuckDB threads (default: all cores)', integer('--threads', 1))
    .addHelpText(
      'after',
      `
Uses the prepare options --config <dataset.yaml> (required), --out <dir> (required), --data <file>
(replaces the config's "file"), --bad-input error|skip (over the config's badInput),
--rows-per-shard, --overwrite and --progress/--quiet/--jsonl.

Examples:
  $ dtrn prepare table --config examples/census-income/dataset.yaml --out prepared/census-income
  $ dtrn prepare table --config dataset.yaml --out prepared/mine --memory-limit 4GB --temp-directory /tmp/duck

Then: dtrn train --model mmoe --data prepared/mine   (or dtrn compare --data prepared/mine)
Every config key is documented in the README of @dtrn/prepare.`,
    )
    .action(async (_flags: PrepareTableFlags, command: Command) => {
      const flags = command.optsWithGlobals() as PrepareTableFlags;
      if (!flags.config) {
        throw new ConfigError('dtrn prepare table needs --config <dataset.yaml>', {
          expected: 'a YAML or JSON dataset config (see the README of @dtrn/prepare)',
        });
      }
      const progress = reporterFor(flags, context);
      const raw = withFlags(await readTableConfigFile(flags.config), flags);
      const result = await prepareTable(raw, {
        configPath: flags.config,
        out: flags.out!,
        ...(flags.data !== undefined ? { file: flags.data } : {}),
        ...(flags.rowsPerShard !== undefined ? { rowsPerShard: flags.rowsPerShard } : {}),
        overwrite: flags.overwrite ?? false,
        onEvent: showPrepareEvents(progress),
      });
      progress.json({
        type: 'prepared',
        directory: result.directory,
        rows: result.rows,
        report: result.report,
      });
      progress.result(
        [
          ...formatPrepareReport(result.report),
          `prepared ${result.directory}: train ${result.rows.train}, validation ${result.rows.validation}, test ${result.rows.test} rows`,
        ].join('\n'),
      );
    });
}
