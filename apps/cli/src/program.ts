/** The `dtrn` command line: commander program with one subcommand per file in ./commands. */
import { readFileSync } from 'node:fs';
import type { ModelCatalog } from '@dtrn/compare';
import { Command } from 'commander';
import { benchCommand } from './commands/bench.js';
import type { CliContext } from './commands/common-options.js';
import { compareCommand } from './commands/compare.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { inspectCommand } from './commands/inspect.js';
import { predictCommand } from './commands/predict.js';
import { prepareCommand } from './commands/prepare.js';
import { reportCommand } from './commands/report.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { type OutputStreams, PROCESS_STREAMS } from './runtime/progress.js';

export const SUBCOMMANDS = [
  'prepare',
  'train',
  'evaluate',
  'predict',
  'export',
  'compare',
  'sweep',
  'bench',
  'report',
] as const;

/** The app's version from its package.json (dist/*.js and src/*.ts both sit one level below it). */
export function cliVersion(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

export interface ProgramOptions {
  readonly loadCatalog?: () => Promise<ModelCatalog>;
  readonly streams?: OutputStreams;
}

/** The default catalog: @dtrn/model's presets, imported on first use (not for --help). */
export async function loadDtrnCatalog(): Promise<ModelCatalog> {
  return (await import('./models/dtrn-catalog.js')).dtrnCatalog;
}

export function createProgram(options: ProgramOptions = {}): { program: Command; context: CliContext } {
  const streams = options.streams ?? PROCESS_STREAMS;
  const context: CliContext = { loadCatalog: options.loadCatalog ?? loadDtrnCatalog, streams, exitCode: 0 };
  const program = new Command('dtrn')
    .description(
      'DTRN and multi-task recommendation baselines on TensorFlow.js: prepare data, train, evaluate, predict, export, compare, sweep, bench, report.',
    )
    .version(cliVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn compare --preset quick                  # the pipeline end to end in a few minutes
  $ dtrn compare --preset tiny --seeds 2 --out runs/tiny
  $ dtrn train --preset quick --model dtrn-ple --out runs/dtrn-ple
  $ dtrn predict --run runs/dtrn-ple --data prepared/mine --out preds.csv
  $ dtrn export --run runs/dtrn-ple --out dtrn-ple.onnx
  $ dtrn inspect --run runs/dtrn-ple --knockout      # what TIM and TRM learned per task
  $ dtrn report runs/tiny runs/other              # one run, or several side by side
  $ dtrn <command> --help                         # options and examples of each command`,
    );
  for (const make of [
    prepareCommand,
    trainCommand,
    evaluateCommand,
    inspectCommand,
    predictCommand,
    exportCommand,
    compareCommand,
    sweepCommand,
    benchCommand,
    reportCommand,
  ]) {
    program.addCommand(
      make(context).configureOutput({
        writeOut: (text) => streams.stdout.write(text),
        writeErr: (text) => streams.stderr.write(text),
      }),
    );
  }
  return { program, context };
}
