/**
 * What one comparison in the playground runs: the synthetic setting and its knobs, the data size,
 * two or three model presets, the model scale, the step budget and the seed. Resolved strictly
 * (unknown keys name the closest valid key, numbers are range-checked) in the page before the run
 * is posted and again in the worker, so a bad message never starts a run.
 */
import { assertKnownKeys, assertPlainObject, ConfigError, checkEnum, checkNumber } from '@dtrn/base';
import {
  SYNTHETIC_SETTING_KNOBS,
  SYNTHETIC_SETTINGS,
  type SyntheticSetting,
  type SyntheticSize,
} from '@dtrn/datasets';
import { MODEL_PRESET_NAMES, type ModelPresetName } from '@dtrn/model';
import type { BalancingMethod } from '@dtrn/trainer';

/** Data sizes offered in a browser (the generator's `demo` size needs ~1.5 GB). */
export const PLAYGROUND_DATA_SIZES = ['tiny', 'small'] as const satisfies readonly SyntheticSize[];
export type PlaygroundDataSize = (typeof PLAYGROUND_DATA_SIZES)[number];

/** Model scales: `preset` is the library preset as is; the others shrink widths for a browser. */
export const MODEL_SCALES = ['tiny', 'compact', 'preset'] as const;
export type ModelScale = (typeof MODEL_SCALES)[number];

/** Backend preferences: `auto` tries WebGL (hardware only), then wasm, then cpu. */
export const PLAYGROUND_BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;
export type PlaygroundBackend = (typeof PLAYGROUND_BACKENDS)[number];

/** Balancing methods that need no per-task arguments. */
export const PLAYGROUND_BALANCING = [
  'equal',
  'uncertainty',
  'gradnorm',
  'pcgrad',
] as const satisfies readonly BalancingMethod[];
export type PlaygroundBalancing = (typeof PLAYGROUND_BALANCING)[number];

/** The four conflict knobs of a setting (DATA.md), editable after choosing the setting. */
export interface ConflictKnobs {
  /** rho: correlation of the tasks' user-item scores. [-1, 1]. Default: the setting's. */
  readonly taskCorrelation: number;
  /** kappa: task specificity of sequence relevance. [0, 1]. Default: the setting's. */
  readonly sequenceTaskSpecificity: number;
  /** o: cosine of the tasks' field-importance vectors. [0, 1]. Default: the setting's. */
  readonly fieldOverlap: number;
  /** Correlation of item attractiveness and quality. [-1, 1]. Default: the setting's. */
  readonly itemCorrelation: number;
}

export interface PlaygroundConfig {
  /** Synthetic conflict setting. Default `full-conflict`. */
  readonly setting: SyntheticSetting;
  /** Conflict knobs; default the setting's own (`SYNTHETIC_SETTING_KNOBS`). */
  readonly knobs: ConflictKnobs;
  /** Generator size preset (users, items). Default `small`. */
  readonly dataSize: PlaygroundDataSize;
  /**
   * Rows generated (impressions), split 80/10/10 by user. Integer in [500, 100,000]. Default 20,000
   * (about 40 conversions in each of validation and test: fewer make the conversion AUC mostly noise).
   */
  readonly numSamples: number;
  /** Padded length of each behavior sequence. Integer in [2, 50]. Default 20. */
  readonly sequenceLength: number;
  /** Two or three distinct model presets; the first is the reference of the AUC differences. Default [ple, dtrn-ple]. */
  readonly models: readonly ModelPresetName[];
  /** Width of the models. Default `compact`. */
  readonly modelScale: ModelScale;
  /** Training steps per model (batches). Integer in [1, 100,000]. Default 150. */
  readonly steps: number;
  /** Samples per step. Integer in [8, 4,096]. Default 256. */
  readonly batchSize: number;
  /** Adam learning rate of the dense weights and embedding rows. In (0, 1]. Default 0.005. */
  readonly learningRate: number;
  /** Steps between loss points and validation AUCs. Integer in [1, 10,000]. Default 10. */
  readonly evaluateEverySteps: number;
  /** Loss balancing. Default `equal`. */
  readonly balancing: PlaygroundBalancing;
  /** Seed of the data, the split, the weights and the data order. Integer in [0, 2^32). Default 1. */
  readonly seed: number;
  /** Backend preference. Default `auto`. */
  readonly backend: PlaygroundBackend;
}

/** Partial input: anything left out takes its default. */
export type PlaygroundConfigInput = Partial<Omit<PlaygroundConfig, 'knobs'>> & {
  readonly knobs?: Partial<ConflictKnobs>;
};

export const DEFAULT_PLAYGROUND_CONFIG: PlaygroundConfig = Object.freeze({
  setting: 'full-conflict',
  knobs: Object.freeze({ ...SYNTHETIC_SETTING_KNOBS['full-conflict'] }),
  dataSize: 'small',
  numSamples: 20_000,
  sequenceLength: 20,
  models: Object.freeze(['ple', 'dtrn-ple'] as ModelPresetName[]),
  modelScale: 'compact',
  steps: 150,
  batchSize: 256,
  learningRate: 0.005,
  evaluateEverySteps: 10,
  balancing: 'equal',
  seed: 1,
  backend: 'auto',
});

export const PLAYGROUND_CONFIG_KEYS = Object.keys(DEFAULT_PLAYGROUND_CONFIG);
const KNOB_KEYS = Object.keys(SYNTHETIC_SETTING_KNOBS.control);

function resolveKnobs(value: unknown, setting: SyntheticSetting, where: string): ConflictKnobs {
  const base = SYNTHETIC_SETTING_KNOBS[setting];
  if (value === undefined) return Object.freeze({ ...base });
  assertPlainObject(value, where);
  assertKnownKeys(value, KNOB_KEYS, where);
  const pick = (key: keyof ConflictKnobs, min: number): number =>
    value[key] === undefined ? base[key] : checkNumber(value[key], { min, max: 1 }, `${where}.${key}`);
  return Object.freeze({
    taskCorrelation: pick('taskCorrelation', -1),
    sequenceTaskSpecificity: pick('sequenceTaskSpecificity', 0),
    fieldOverlap: pick('fieldOverlap', 0),
    itemCorrelation: pick('itemCorrelation', -1),
  });
}

function resolveModels(value: unknown, where: string): readonly ModelPresetName[] {
  if (value === undefined) return DEFAULT_PLAYGROUND_CONFIG.models;
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw new ConfigError(`${where} is invalid`, {
      expected: 'two or three model presets',
      found: value,
    });
  }
  const names = value.map((name, i) => checkEnum(name, MODEL_PRESET_NAMES, `${where}[${i}]`));
  if (new Set(names).size !== names.length) {
    throw new ConfigError(`${where} has a duplicate`, { expected: 'distinct presets', found: names });
  }
  return Object.freeze(names);
}

function numberOr(
  input: Record<string, unknown>,
  key: keyof PlaygroundConfig,
  rule: Parameters<typeof checkNumber>[1],
  where: string,
): number {
  const value = input[key];
  return value === undefined
    ? (DEFAULT_PLAYGROUND_CONFIG[key] as number)
    : checkNumber(value, rule, `${where}.${key}`);
}

function enumOr<T extends string>(
  input: Record<string, unknown>,
  key: keyof PlaygroundConfig,
  allowed: readonly T[],
  where: string,
): T {
  const value = input[key];
  return value === undefined
    ? (DEFAULT_PLAYGROUND_CONFIG[key] as T)
    : checkEnum(value, allowed, `${where}.${key}`);
}

/** Validates and completes a playground config. Throws a ConfigError naming the field. */
export function resolvePlaygroundConfig(
  input: PlaygroundConfigInput = {},
  where = 'PlaygroundConfig',
): PlaygroundConfig {
  const value: unknown = input;
  assertPlainObject(value, where);
  assertKnownKeys(value, PLAYGROUND_CONFIG_KEYS, where);
  const setting = enumOr(value, 'setting', SYNTHETIC_SETTINGS, where);
  const config: PlaygroundConfig = {
    setting,
    knobs: resolveKnobs(value.knobs, setting, `${where}.knobs`),
    dataSize: enumOr(value, 'dataSize', PLAYGROUND_DATA_SIZES, where),
    numSamples: numberOr(value, 'numSamples', { integer: true, min: 500, max: 100_000 }, where),
    sequenceLength: numberOr(value, 'sequenceLength', { integer: true, min: 2, max: 50 }, where),
    models: resolveModels(value.models, `${where}.models`),
    modelScale: enumOr(value, 'modelScale', MODEL_SCALES, where),
    steps: numberOr(value, 'steps', { integer: true, min: 1, max: 100_000 }, where),
    batchSize: numberOr(value, 'batchSize', { integer: true, min: 8, max: 4_096 }, where),
    learningRate: numberOr(value, 'learningRate', { above: 0, max: 1 }, where),
    evaluateEverySteps: numberOr(value, 'evaluateEverySteps', { integer: true, min: 1, max: 10_000 }, where),
    balancing: enumOr(value, 'balancing', PLAYGROUND_BALANCING, where),
    seed: numberOr(value, 'seed', { integer: true, min: 0, below: 2 ** 32 }, where),
    backend: enumOr(value, 'backend', PLAYGROUND_BACKENDS, where),
  };
  return Object.freeze(config);
}
