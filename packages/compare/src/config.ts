/**
 * What a comparison runs: which presets, how many seeds, one training budget for every model, the
 * bootstrap and the meaningfulness check. Resolved strictly (unknown keys name the closest valid
 * key, numbers are range-checked) into a complete, frozen config. The CLI's config files use the
 * same keys and defaults (plus `data`, which stays the app's).
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkString,
  closestMatch,
  deepMerge,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';

/** Balancing methods that need no per-task arguments (names of `@dtrn/trainer`'s balancers). */
export const BALANCING_NAMES = ['equal', 'uncertainty', 'gradnorm', 'pcgrad'] as const;
export type BalancingName = (typeof BALANCING_NAMES)[number];

/** When the validation split is evaluated: at every epoch end (early stopping, history) or at every progress event. */
export const VALIDATION_TIMINGS = ['epochs', 'progress'] as const;
export type ValidationTiming = (typeof VALIDATION_TIMINGS)[number];

/** The training budget and settings every model of a comparison gets. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Step budget per model; undefined: no limit. */
  readonly maxSteps?: number;
  /** Non-improving epochs of the monitor tolerated; 0 = never stop early. */
  readonly patience: number;
  readonly monitor: string;
  readonly balancing: BalancingName;
  readonly evaluationBatchSize: number;
  /** Also checkpoint every N steps (0: epoch ends and stops only); needs a store. */
  readonly checkpointEverySteps: number;
  readonly validation: ValidationTiming;
}

export interface BootstrapSettings {
  readonly resamples: number;
  readonly confidence: number;
  /** One seed for every interval; undefined: each interval's seed is derived from firstSeed, model and task. */
  readonly seed?: number;
}

export interface CheckSettings {
  readonly enabled: boolean;
  readonly threshold: number;
  /** The catalog name of the model DATA.md rule 1 is about (Shared-Bottom). */
  readonly model: string;
}

export interface ComparisonConfig {
  readonly models: readonly string[];
  readonly seeds: number;
  readonly firstSeed: number;
  readonly training: TrainingSettings;
  readonly modelOverrides: Readonly<Record<string, unknown>>;
  readonly perModel: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly bootstrap: BootstrapSettings;
  readonly check: CheckSettings;
  /** Test rows the gates and TRM field weights are averaged over. */
  readonly inspectionRows: number;
}

/** Partial input: anything left out takes its default (`models` is required). */
export type ComparisonConfigInput = Partial<
  Omit<ComparisonConfig, 'training' | 'bootstrap' | 'check' | 'models'>
> & {
  readonly models: readonly string[];
  readonly training?: Partial<TrainingSettings>;
  readonly bootstrap?: Partial<BootstrapSettings>;
  readonly check?: Partial<CheckSettings>;
};

export const DEFAULT_TRAINING: TrainingSettings = Object.freeze({
  epochs: 5,
  batchSize: 1024,
  learningRate: 0.002,
  patience: 2,
  monitor: 'meanAuc',
  balancing: 'equal',
  evaluationBatchSize: 4096,
  checkpointEverySteps: 0,
  validation: 'epochs',
});
export const DEFAULT_BOOTSTRAP: BootstrapSettings = Object.freeze({ resamples: 1000, confidence: 0.95 });
export const DEFAULT_CHECK: CheckSettings = Object.freeze({
  enabled: true,
  threshold: 0.9,
  model: 'shared-bottom',
});
export const DEFAULT_COMPARISON = Object.freeze({
  seeds: 3,
  firstSeed: 0,
  inspectionRows: 2048,
});

/** Seeds are 32-bit unsigned integers. */
const SEED = { integer: true, min: 0, max: 2 ** 32 - 1 } as const;
const TRAINING_KEYS = Object.keys(DEFAULT_TRAINING).concat('maxSteps');

function resolveTraining(value: unknown, where: string): TrainingSettings {
  if (value === undefined) return DEFAULT_TRAINING;
  assertPlainObject(value, where);
  assertKnownKeys(value, TRAINING_KEYS, where);
  const d = DEFAULT_TRAINING;
  const int = (key: string, fallback: number, min: number) =>
    optionalNumber(value[key], fallback, { integer: true, min }, `${where}.${key}`);
  const settings: TrainingSettings = Object.freeze({
    epochs: int('epochs', d.epochs, 1),
    batchSize: int('batchSize', d.batchSize, 1),
    learningRate: optionalNumber(
      value.learningRate,
      d.learningRate,
      { above: 0, max: 1 },
      `${where}.learningRate`,
    ),
    ...(value.maxSteps === undefined ? {} : { maxSteps: int('maxSteps', 0, 1) }),
    patience: int('patience', d.patience, 0),
    monitor: value.monitor === undefined ? d.monitor : checkString(value.monitor, `${where}.monitor`),
    balancing: optionalEnum(value.balancing, d.balancing, BALANCING_NAMES, `${where}.balancing`),
    evaluationBatchSize: int('evaluationBatchSize', d.evaluationBatchSize, 1),
    checkpointEverySteps: int('checkpointEverySteps', d.checkpointEverySteps, 0),
    validation: optionalEnum(value.validation, d.validation, VALIDATION_TIMINGS, `${where}.validation`),
  });
  if (settings.validation === 'progress' && settings.patience > 0) {
    throw new ConfigError(`${where}.patience must be 0 with validation "progress"`, {
      expected: 'patience 0 (early stopping reads the validation of each epoch end), or validation "epochs"',
      found: settings.patience,
    });
  }
  return settings;
}

function resolveBootstrap(value: unknown, where: string): BootstrapSettings {
  if (value === undefined) return DEFAULT_BOOTSTRAP;
  assertPlainObject(value, where);
  assertKnownKeys(value, ['resamples', 'confidence', 'seed'], where);
  const d = DEFAULT_BOOTSTRAP;
  return Object.freeze({
    resamples: optionalNumber(value.resamples, d.resamples, { integer: true, min: 10 }, `${where}.resamples`),
    confidence: optionalNumber(value.confidence, d.confidence, { above: 0, below: 1 }, `${where}.confidence`),
    ...(value.seed === undefined ? {} : { seed: optionalNumber(value.seed, 0, SEED, `${where}.seed`) }),
  });
}

function resolveCheck(value: unknown, where: string): CheckSettings {
  if (value === undefined) return DEFAULT_CHECK;
  assertPlainObject(value, where);
  assertKnownKeys(value, Object.keys(DEFAULT_CHECK), where);
  const d = DEFAULT_CHECK;
  return Object.freeze({
    enabled: optionalBoolean(value.enabled, d.enabled, `${where}.enabled`),
    threshold: optionalNumber(value.threshold, d.threshold, { above: 0, max: 1 }, `${where}.threshold`),
    model: value.model === undefined ? d.model : checkString(value.model, `${where}.model`),
  });
}

function resolveModels(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${where} is invalid`, {
      expected: 'a non-empty array of model names',
      found: value,
    });
  }
  const names = value.map((name, i) => checkString(name, `${where}[${i}]`));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ConfigError(`${where}: "${duplicate}" is listed twice`, { expected: 'distinct model names' });
  }
  return Object.freeze(names);
}

function resolveRecord(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return Object.freeze({});
  assertPlainObject(value, where);
  return value;
}

/** Every `perModel` key must be one of the comparison's models. */
function resolvePerModel(value: unknown, models: readonly string[], where: string) {
  const perModel = resolveRecord(value, where);
  for (const [key, settings] of Object.entries(perModel)) {
    if (!models.includes(key)) {
      const closest = closestMatch(key, models);
      throw new ConfigError(
        `${where}: "${key}" is not a model of this comparison${closest ? `; did you mean "${closest}"?` : ''}`,
        { expected: `one of ${models.join(', ')}` },
      );
    }
    assertPlainObject(settings, `${where}.${key}`);
  }
  return perModel as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const CONFIG_KEYS = [
  'models',
  'seeds',
  'firstSeed',
  'training',
  'modelOverrides',
  'perModel',
  'bootstrap',
  'check',
  'inspectionRows',
];

/** Validates and completes a comparison config. Throws a ConfigError naming the field. */
export function resolveComparisonConfig(
  input: ComparisonConfigInput,
  where = 'ComparisonConfig',
): ComparisonConfig {
  const value: unknown = input;
  assertPlainObject(value, where);
  assertKnownKeys(value, CONFIG_KEYS, where);
  const models = resolveModels(value.models, `${where}.models`);
  const d = DEFAULT_COMPARISON;
  return Object.freeze({
    models,
    seeds: optionalNumber(value.seeds, d.seeds, { integer: true, min: 1, max: 100 }, `${where}.seeds`),
    firstSeed: optionalNumber(value.firstSeed, d.firstSeed, SEED, `${where}.firstSeed`),
    training: resolveTraining(value.training, `${where}.training`),
    modelOverrides: resolveRecord(value.modelOverrides, `${where}.modelOverrides`),
    perModel: resolvePerModel(value.perModel, models, `${where}.perModel`),
    bootstrap: resolveBootstrap(value.bootstrap, `${where}.bootstrap`),
    check: resolveCheck(value.check, `${where}.check`),
    inspectionRows: optionalNumber(
      value.inspectionRows,
      d.inspectionRows,
      { integer: true, min: 1 },
      `${where}.inspectionRows`,
    ),
  });
}

/** A model's settings in a comparison: `modelOverrides` with `perModel[model]` merged over it. */
export function overridesFor(
  config: Pick<ComparisonConfig, 'modelOverrides' | 'perModel'>,
  model: string,
): Record<string, unknown> {
  return deepMerge(config.modelOverrides, config.perModel[model] ?? {}) as Record<string, unknown>;
}

/** The seeds of a comparison: firstSeed, firstSeed + 1, ... */
export function seedsOf(config: Pick<ComparisonConfig, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
}
