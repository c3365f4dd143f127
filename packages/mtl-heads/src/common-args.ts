/** Arguments shared by every built-in head, and their strict resolution. */
import {
  assertKnownKeys,
  assertPlainObject,
  checkEnum,
  checkNumber,
  checkNumberArray,
  optionalNumber,
} from '@dtrn/base';
import { type ActivationName, checkActivation, INITIALIZERS, type InitializerName } from '@dtrn/core';
import type { MtlHeadBaseArgs } from './contract.js';

/** Arguments every built-in head accepts. */
export interface MtlHeadCommonArgs {
  /** Number of tasks K. Integer >= 1. Default 2. */
  numTasks?: number;
  /** Width D of every input (task inputs and shared input). Integer >= 1. Required. */
  inputDim?: number;
  /** Hidden units of each task tower; a final 1-unit linear layer is added. Each >= 1; may be empty. Default [64]. */
  towerUnits?: readonly number[];
  /** Activation of hidden layers (bottom, experts, towers). Default 'relu'. */
  activation?: ActivationName;
  /** Dropout rate after each hidden layer of bottoms, experts and towers, training only. [0, 1). Default 0. */
  dropoutRate?: number;
  /** Initializer of kernels (dense and gate). Biases start at zero. Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Seed of the weight initializers (each weight derives its own from its name). Integer >= 0. Default 0. */
  seed?: number;
}

export interface ResolvedMtlHeadCommonArgs extends MtlHeadBaseArgs {
  readonly numTasks: number;
  readonly inputDim: number;
  readonly towerUnits: readonly number[];
  readonly activation: ActivationName;
  readonly dropoutRate: number;
  readonly kernelInitializer: InitializerName;
  readonly seed: number;
}

export const DEFAULT_MTL_HEAD_COMMON_ARGS = {
  numTasks: 2,
  towerUnits: [64],
  activation: 'relu',
  dropoutRate: 0,
  kernelInitializer: 'glorotUniform',
  seed: 0,
} as const satisfies Omit<ResolvedMtlHeadCommonArgs, 'inputDim'>;

export const COMMON_ARG_KEYS = [
  'numTasks',
  'inputDim',
  'towerUnits',
  'activation',
  'dropoutRate',
  'kernelInitializer',
  'seed',
] as const;

const UNIT_RULE = { integer: true, min: 1 } as const;

/** Checks a list of layer widths (each an integer >= 1). */
export function resolveUnits(
  value: unknown,
  fallback: readonly number[],
  where: string,
  options: { allowEmpty?: boolean } = {},
): readonly number[] {
  return value === undefined
    ? Object.freeze([...fallback])
    : checkNumberArray(value, UNIT_RULE, where, { allowEmpty: options.allowEmpty ?? false });
}

/**
 * Validates `raw` as an object whose keys are the common keys plus `extraKeys`, and resolves the
 * common part. `where` names the args type in messages (e.g. `MmoeArgs`).
 */
export function resolveCommonArgs(
  raw: unknown,
  extraKeys: readonly string[],
  where: string,
): { common: ResolvedMtlHeadCommonArgs; raw: Record<string, unknown> } {
  const value = raw ?? {};
  assertPlainObject(value, where);
  assertKnownKeys(value, [...COMMON_ARG_KEYS, ...extraKeys], where);
  const defaults = DEFAULT_MTL_HEAD_COMMON_ARGS;
  const common: ResolvedMtlHeadCommonArgs = {
    numTasks: optionalNumber(value.numTasks, defaults.numTasks, UNIT_RULE, `${where}.numTasks`),
    inputDim: checkNumber(value.inputDim, UNIT_RULE, `${where}.inputDim`),
    towerUnits: resolveUnits(value.towerUnits, defaults.towerUnits, `${where}.towerUnits`, {
      allowEmpty: true,
    }),
    activation:
      value.activation === undefined
        ? defaults.activation
        : checkActivation(value.activation, `${where}.activation`),
    dropoutRate: optionalNumber(
      value.dropoutRate,
      defaults.dropoutRate,
      { min: 0, below: 1 },
      `${where}.dropoutRate`,
    ),
    kernelInitializer:
      value.kernelInitializer === undefined
        ? defaults.kernelInitializer
        : checkEnum(value.kernelInitializer, INITIALIZERS, `${where}.kernelInitializer`),
    seed: optionalNumber(value.seed, defaults.seed, { integer: true, min: 0 }, `${where}.seed`),
  };
  return { common, raw: value };
}
