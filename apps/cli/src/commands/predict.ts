/** `dtrn predict --run <dir> --data <path> --out <preds.csv|.jsonl|.parquet>`: batch scoring. */
import { Command, Option } from 'commander';
import { ENGINES, type EngineName } from '../predict/engines.js';
import { PredictInterrupted, runPredict } from '../predict/run-predict.js';
import { interruptOnSigint } from '../runtime/interrupt.js';
import {
  addMessageOptions,
  type CliContext,
  type CommonFlags,
  integer,
  reporterFor,
} from './common-options.js';

interface PredictFlags extends CommonFlags {
  readonly run: string;
  readonly data: string;
  readonly out: string;
  readonly engine: EngineName;
  readonly split?: 'train' | 'validation' | 'test';
  readonly datasetConfig?: string;
  readonly keep?: string;
  readonly badInput?: 'error' | 'skip';
  readonly batchSize?: number;
  readonly overwrite?: boolean;
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  readonly threads?: number;
}

export function predictCommand(context: CliContext): Command {
  const command = new Command('predict')
    .description(
      'Score a data set with a trained run (dtrn train): one probability per task for every row, in input order, to CSV, JSON lines or Parquet.',
    )
    .requiredOption('--run <dir>', 'run directory written by dtrn train')
    .requiredOption(
      '--data <path>',
      'a prepared directory (or one split of it), a dataset config (.yaml) or a raw file (CSV, TSV, JSON lines, Parquet)',
    )
    .requiredOption('--out <file>', 'predictions file: .csv, .jsonl or .parquet (written atomically)')
    .addOption(
      new Option('--engine <name>', 'tfjs (the --backend) or onnx (onnxruntime-node)')
        .choices(ENGINES)
        .default('tfjs'),
    )
    .addOption(
      new Option(
        '--split <name>',
        'prepared directory or dataset config with files: the split to score (default test)',
      ).choices(['train', 'validation', 'test']),
    )
    .option(
      '--dataset-config <file>',
      'dataset config (YAML/JSON) describing a raw --data file (default: the one the run was prepared with)',
    )
    .option('--keep <columns>', 'input columns passed through, comma-separated; column:name renames one')
    .addOption(
      new Option(
        '--bad-input <policy>',
        'bad raw rows: error (exit 2 naming file, line, column) or skip (count by reason)',
      ).choices(['error', 'skip']),
    )
    .option('--batch-size <n>', 'rows per forward pass (default 4096)', integer('--batch-size', 1))
    .option('--overwrite', 'replace an existing --out')
    .option('--memory-limit <size>', 'DuckDB memory limit for raw files, e.g. 2GB')
    .option('--temp-directory <dir>', 'where DuckDB spills for raw files')
    .option('--threads <n>', 'DuckDB threads for raw files', integer('--threads', 1));
  return addMessageOptions(command, { backend: true })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn predict --run runs/mmoe --data prepared/otto --out preds.csv            # the test split
  $ dtrn predict --run runs/census --data new-people.csv --keep id --out preds.parquet
  $ dtrn predict --run runs/census --data new.csv --engine onnx --bad-input skip --out preds.jsonl

Columns: row (the input record's 0-based index), the --keep columns, then one probability per task
named after the task. Raw files are read with the run's dataset config (or --dataset-config) and
mapped with the run's vocabularies and statistics; unseen ids follow each id space's OOV policy.`,
    )
    .action(async (flags: PredictFlags) => {
      const progress = reporterFor(flags, context);
      const interrupt = interruptOnSigint(() =>
        progress.info('stopping after the current batch (Ctrl-C again to quit now)'),
      );
      const duckdb = {
        ...(flags.memoryLimit !== undefined ? { memoryLimit: flags.memoryLimit } : {}),
        ...(flags.tempDirectory !== undefined ? { tempDirectory: flags.tempDirectory } : {}),
        ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
      };
      try {
        await runPredict({
          run: flags.run,
          data: flags.data,
          out: flags.out,
          engine: flags.engine,
          backend: flags.backend,
          ...(flags.split !== undefined ? { split: flags.split } : {}),
          ...(flags.datasetConfig !== undefined ? { datasetConfig: flags.datasetConfig } : {}),
          ...(flags.keep !== undefined ? { keep: flags.keep } : {}),
          ...(flags.badInput !== undefined ? { badInput: flags.badInput } : {}),
          ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
          overwrite: flags.overwrite ?? false,
          ...(Object.keys(duckdb).length > 0 ? { duckdb } : {}),
          progress,
          signal: interrupt.signal,
        });
      } catch (error) {
        if (!(error instanceof PredictInterrupted)) throw error;
        progress.info('interrupted: no predictions written');
        context.exitCode = 130;
      } finally {
        interrupt.dispose();
      }
    });
}
