/** `fit` options: types with TSDoc (unit, default, range), defaults, and strict resolution. */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkString,
  optionalBoolean,
  optionalNumber,
} from '@dtrn/base';
import type { Storage } from '@dtrn/core';
import type { BalancerFactory, BalancingArgs } from './balancers/create-balancer.js';
import { type AdamArgs, DEFAULT_ADAM, type ResolvedAdamArgs } from './dense-adam.js';
import type { EarlyStoppingArgs } from './early-stopping.js';
import type { EpochEndEvent, ProgressEvent } from './events.js';

export interface CheckpointArgs {
  /** Where checkpoints go (`FileStorage` from `@dtrn/core/node`, `MemoryStorage` in browsers). */
  readonly storage: Storage;
  /** Directory inside the storage. Required, non-empty. */
  readonly directory: string;
  /** Also write a checkpoint every N global steps; 0 = only at epoch ends and on stop. Default 0; integer >= 0. */
  readonly everySteps?: number;
  /** Checkpoints kept (newest first). Default 1; integer >= 1. */
  readonly keep?: number;
}

export interface FitOptions {
  /** Passes over the training data. Default 10; integer >= 1. */
  readonly epochs?: number;
  /** Samples per training step. Default 1024; integer >= 1. */
  readonly batchSize?: number;
  /** Samples per validation forward pass. Default 4096; integer >= 1. */
  readonly evaluationBatchSize?: number;
  /** Shuffle training rows every epoch (only for dataset inputs). Default true. */
  readonly shuffle?: boolean;
  /** Seed of data order and step randomness (dropout). Default 0; integer in [0, 2^32). */
  readonly seed?: number;
  /** Dense Adam settings. Defaults: learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  readonly optimizer?: AdamArgs;
  /** Loss balancing. Default `equal`. */
  readonly balancing?: BalancingArgs | BalancerFactory;
  /** Early stopping on validation (needs validation data). Default `{ monitor: 'meanAuc', patience: 2 }`; false: never stop early. */
  readonly earlyStopping?: EarlyStoppingArgs | false;
  /** Checkpointing; none by default. */
  readonly checkpoint?: CheckpointArgs;
  /**
   * Continue from the latest checkpoint (needs `checkpoint`): true requires one to exist,
   * `ifExists` starts fresh when there is none. Default false.
   */
  readonly resume?: boolean | 'ifExists';
  /** Stop (with a checkpoint) once this many global steps have run, counting resumed ones. Default: no limit; integer >= 1. */
  readonly maxSteps?: number;
  /** Stops cleanly after the current step, writing a checkpoint first. */
  readonly signal?: AbortSignal;
  /** Called every `progressEverySteps` steps. */
  readonly onProgress?: (event: ProgressEvent) => void | Promise<void>;
  /** Steps between progress events. Default 50; integer >= 1. */
  readonly progressEverySteps?: number;
  /** Called after each epoch (after validation). */
  readonly onEpochEnd?: (event: EpochEndEvent) => void | Promise<void>;
}

export interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly evaluationBatchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly optimizer: ResolvedAdamArgs;
  readonly checkpoint: Required<CheckpointArgs> | null;
  readonly resume: boolean | 'ifExists';
  readonly maxSteps: number | null;
  readonly progressEverySteps: number;
}

export const DEFAULT_FIT = Object.freeze({
  epochs: 10,
  batchSize: 1024,
  evaluationBatchSize: 4096,
  shuffle: true,
  seed: 0,
  progressEverySteps: 50,
});

const FIT_KEYS = [
  'epochs',
  'batchSize',
  'evaluationBatchSize',
  'shuffle',
  'seed',
  'optimizer',
  'balancing',
  'earlyStopping',
  'checkpoint',
  'resume',
  'maxSteps',
  'signal',
  'onProgress',
  'progressEverySteps',
  'onEpochEnd',
];

function resolveAdam(option: AdamArgs | undefined): ResolvedAdamArgs {
  if (option === undefined) return DEFAULT_ADAM;
  const where = 'FitOptions.optimizer';
  const value: unknown = option;
  assertPlainObject(value, where);
  assertKnownKeys(value, ['learningRate', 'beta1', 'beta2', 'epsilon'], where);
  return Object.freeze({
    learningRate: optionalNumber(
      value.learningRate,
      DEFAULT_ADAM.learningRate,
      { above: 0 },
      `${where}.learningRate`,
    ),
    beta1: optionalNumber(value.beta1, DEFAULT_ADAM.beta1, { min: 0, below: 1 }, `${where}.beta1`),
    beta2: optionalNumber(value.beta2, DEFAULT_ADAM.beta2, { min: 0, below: 1 }, `${where}.beta2`),
    epsilon: optionalNumber(value.epsilon, DEFAULT_ADAM.epsilon, { above: 0 }, `${where}.epsilon`),
  });
}

function resolveCheckpoint(option: CheckpointArgs | undefined): Required<CheckpointArgs> | null {
  if (option === undefined) return null;
  const where = 'FitOptions.checkpoint';
  const value: unknown = option;
  assertPlainObject(value, where);
  assertKnownKeys(value, ['storage', 'directory', 'everySteps', 'keep'], where);
  const storage = value.storage as Partial<Storage> | undefined;
  if (!storage || typeof storage.writeFile !== 'function' || typeof storage.replaceDirectory !== 'function') {
    throw new ConfigError(`${where}.storage is invalid`, {
      expected: 'a Storage (MemoryStorage, or FileStorage from @dtrn/core/node)',
      found: typeof value.storage,
    });
  }
  return {
    storage: option.storage,
    directory: checkString(value.directory, `${where}.directory`),
    everySteps: optionalNumber(value.everySteps, 0, { integer: true, min: 0 }, `${where}.everySteps`),
    keep: optionalNumber(value.keep, 1, { integer: true, min: 1 }, `${where}.keep`),
  };
}

function checkCallback(value: unknown, where: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigError(`${where} is invalid`, { expected: 'a function', found: typeof value });
  }
}

/** Resolves the plain settings of `FitOptions` (balancing and early stopping resolve with the task names). */
export function resolveFitOptions(options: FitOptions): ResolvedFitOptions {
  assertPlainObject(options as unknown, 'FitOptions');
  assertKnownKeys(options, FIT_KEYS, 'FitOptions');
  checkCallback(options.onProgress, 'FitOptions.onProgress');
  checkCallback(options.onEpochEnd, 'FitOptions.onEpochEnd');
  const checkpoint = resolveCheckpoint(options.checkpoint);
  const resume =
    options.resume === 'ifExists' ? 'ifExists' : optionalBoolean(options.resume, false, 'FitOptions.resume');
  if (resume !== false && !checkpoint) {
    throw new ConfigError('FitOptions.resume needs FitOptions.checkpoint', {
      expected: 'checkpoint: { storage, directory } to resume from',
    });
  }
  return {
    epochs: optionalNumber(
      options.epochs,
      DEFAULT_FIT.epochs,
      { integer: true, min: 1 },
      'FitOptions.epochs',
    ),
    batchSize: optionalNumber(
      options.batchSize,
      DEFAULT_FIT.batchSize,
      { integer: true, min: 1 },
      'FitOptions.batchSize',
    ),
    evaluationBatchSize: optionalNumber(
      options.evaluationBatchSize,
      DEFAULT_FIT.evaluationBatchSize,
      { integer: true, min: 1 },
      'FitOptions.evaluationBatchSize',
    ),
    shuffle: optionalBoolean(options.shuffle, DEFAULT_FIT.shuffle, 'FitOptions.shuffle'),
    seed: optionalNumber(
      options.seed,
      DEFAULT_FIT.seed,
      { integer: true, min: 0, below: 2 ** 32 },
      'FitOptions.seed',
    ),
    optimizer: resolveAdam(options.optimizer),
    checkpoint,
    resume,
    maxSteps:
      options.maxSteps === undefined
        ? null
        : optionalNumber(options.maxSteps, 1, { integer: true, min: 1 }, 'FitOptions.maxSteps'),
    progressEverySteps: optionalNumber(
      options.progressEverySteps,
      DEFAULT_FIT.progressEverySteps,
      { integer: true, min: 1 },
      'FitOptions.progressEverySteps',
    ),
  };
}
