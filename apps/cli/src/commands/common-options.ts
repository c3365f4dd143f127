/** Options shared by the subcommands, and the parsing of their values. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@dtrn/base';
import type { ModelCatalog } from '@dtrn/compare';
import { BACKEND_PREFERENCES, type BackendPreference } from '@dtrn/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type OutputStreams,
  PROGRESS_MODES,
  type ProgressMode,
  ProgressReporter,
} from '../runtime/progress.js';
import { parseWorkers, type WorkersPreference } from '../runtime/workers.js';

/** What the subcommands need from outside (tests inject a catalog and capture the streams). */
export interface CliContext {
  /** Model presets; loaded lazily so `--help` never loads tfjs. */
  readonly loadCatalog: () => Promise<ModelCatalog>;
  readonly streams: OutputStreams;
  /** Set by a subcommand to the process exit code (130 after Ctrl-C). */
  exitCode: number;
}

export interface CommonFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly out?: string;
  readonly backend: BackendPreference;
  readonly progress: ProgressMode;
  readonly quiet?: boolean;
  readonly jsonl?: boolean;
  readonly resume?: boolean;
  /** Training commands: `--workers` (default auto). */
  readonly workers?: WorkersPreference;
}

export function integer(name: string, min = 0) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) {
      throw new InvalidArgumentError(`${name} must be an integer >= ${min} (found "${value}")`);
    }
    return parsed;
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0 (found "${value}")`);
    return parsed;
  };
}

function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend').choices(BACKEND_PREFERENCES).default('auto');
}

/**
 * The output options of the commands that do not train (bench, evaluate, prepare): `--backend`
 * when the command runs models, then `--progress`, `-q, --quiet` and `--jsonl`.
 */
export function addMessageOptions(command: Command, options: { readonly backend: boolean }): Command {
  if (options.backend) command.addOption(backendOption());
  return command
    .addOption(new Option('--progress <mode>', 'output mode').choices(PROGRESS_MODES).default('auto'))
    .option('-q, --quiet', 'no messages')
    .option('--jsonl', 'JSON lines on stdout');
}

export function addRunOptions(command: Command, options: { resume?: boolean } = {}): Command {
  command
    .option('--config <file>', 'JSON or YAML config file (merged over the preset; flags win)')
    .option('--out <dir>', 'run directory (created; default runs/<command>-<preset>-<time>)')
    .addOption(backendOption())
    .addOption(
      new Option('--progress <mode>', 'progress output: bar, plain lines, quiet or JSON lines on stdout')
        .choices(PROGRESS_MODES)
        .default('auto'),
    )
    .option('-q, --quiet', 'no progress output (same as --progress quiet)')
    .option('--jsonl', 'JSON lines on stdout for scripts (same as --progress jsonl)');
  if (options.resume !== false)
    command.option('--resume', 'continue the interrupted run in --out from its checkpoints');
  return command;
}

function workersOption(): Option {
  return new Option(
    '--workers <n>',
    'worker threads that train (auto: 2 on wasm with 2+ cores and batches of 256+ rows; 1: the main thread)',
  )
    .argParser((value: string) => {
      try {
        return parseWorkers(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    })
    .default('auto');
}

export function addTrainingOptions(command: Command): Command {
  return command
    .addOption(workersOption())
    .option('--epochs <n>', 'passes over the training split', integer('--epochs', 1))
    .option('--batch-size <n>', 'samples per step', integer('--batch-size', 1))
    .option('--learning-rate <x>', 'dense Adam learning rate', positiveNumber('--learning-rate'))
    .option('--max-steps <n>', 'step budget per model', integer('--max-steps', 1))
    .option(
      '--patience <n>',
      'non-improving epochs tolerated before early stopping (0: never stop early)',
      integer('--patience', 0),
    )
    .option(
      '--monitor <metric>',
      'early-stopping metric: meanAuc (default), minAuc (worst task), auc:<task>, meanLogloss, ...',
    )
    .option(
      '--data <path>',
      'raw data file or directory (OTTO, Ali-CCP, AliExpress, a table preset such as census-income) or prepared shards',
    );
}

/** The `training` part of a config from flags (undefined values keep the preset's). */
export function trainingFlags(flags: Record<string, unknown>): Record<string, unknown> {
  return {
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    maxSteps: flags.maxSteps,
    patience: flags.patience,
    monitor: flags.monitor,
  };
}

export function reporterFor(flags: CommonFlags, context: CliContext): ProgressReporter {
  const mode: ProgressMode = flags.jsonl ? 'jsonl' : flags.quiet ? 'quiet' : flags.progress;
  return new ProgressReporter(mode, context.streams);
}

export function defaultOut(command: string, name: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return `runs/${command}-${name}-${stamp}`;
}

/**
 * `--data <path>`: a directory written by `dtrn prepare` (it has `train/manifest.json`) becomes the
 * data (`kind: shards`) whatever the preset or config names; any other path sets the path of the
 * preset's real data set, and is an error for synthetic data.
 */
export function dataPathOverride(data: unknown, path: string | undefined): unknown {
  if (path === undefined) return data;
  if (existsSync(join(path, 'train', 'manifest.json'))) return { kind: 'shards', path };
  const kind = (data as { kind?: string } | undefined)?.kind;
  if (kind === 'synthetic' || kind === 'mmoe-synthetic') {
    throw new ConfigError('--data is for real data and shards; this config generates synthetic data', {
      expected:
        'a directory written by dtrn prepare, a preset such as otto, ali-ccp or aliexpress, or data.kind "shards" in the config',
      found: path,
    });
  }
  return { ...(data as object), path };
}
