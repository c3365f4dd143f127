/** Strict resolution of the `balancing` option and the balancer factory. */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkEnum,
  checkNumberArray,
  optionalNumber,
} from '@dtrn/base';
import type { LossBalancer } from './balancer.js';
import { GradNormBalancer } from './gradnorm.js';
import { PcgradBalancer } from './pcgrad.js';
import { StaticWeightsBalancer } from './static-weights.js';
import { UncertaintyBalancer } from './uncertainty.js';

export const BALANCING_METHODS = ['equal', 'fixed', 'uncertainty', 'gradnorm', 'pcgrad'] as const;
export type BalancingMethod = (typeof BALANCING_METHODS)[number];

/** L = sum_k L_k. */
export interface EqualBalancingArgs {
  readonly method: 'equal';
}

/** L = sum_k w_k L_k. */
export interface FixedBalancingArgs {
  readonly method: 'fixed';
  /** One non-negative weight per task, in task order (at least one > 0). */
  readonly weights: readonly number[];
}

/** L = sum_k exp(-s_k) L_k + s_k with learnable s_k (Kendall et al. 2018). */
export interface UncertaintyBalancingArgs {
  readonly method: 'uncertainty';
  /** Initial s_k = log sigma_k^2. Default 0 (weight 1); range [-10, 10]. */
  readonly initialLogVariance?: number;
}

/** GradNorm (Chen et al. 2018). */
export interface GradNormBalancingArgs {
  readonly method: 'gradnorm';
  /** Asymmetry alpha: how strongly slow tasks are pushed. Default 1.5 (the paper's usual value); range [0, 10]. */
  readonly alpha?: number;
  /** Adam step size of the task weights. Default 0.025; range > 0. */
  readonly learningRate?: number;
  /** Floor of a task weight before renormalisation. Default 0.01; range [0, 1]. */
  readonly minWeight?: number;
}

/** PCGrad (Yu et al. 2020). */
export interface PcgradBalancingArgs {
  readonly method: 'pcgrad';
  /** Task weights applied before the surgery. Default all 1. */
  readonly weights?: readonly number[];
}

export type BalancingArgs =
  | BalancingMethod
  | EqualBalancingArgs
  | FixedBalancingArgs
  | UncertaintyBalancingArgs
  | GradNormBalancingArgs
  | PcgradBalancingArgs;

/** A custom balancer: called once per `fit` with the task names. */
export type BalancerFactory = (taskNames: readonly string[]) => LossBalancer;

export const DEFAULT_GRADNORM = Object.freeze({ alpha: 1.5, learningRate: 0.025, minWeight: 0.01 });

const KEYS: Record<BalancingMethod, readonly string[]> = {
  equal: ['method'],
  fixed: ['method', 'weights'],
  uncertainty: ['method', 'initialLogVariance'],
  gradnorm: ['method', 'alpha', 'learningRate', 'minWeight'],
  pcgrad: ['method', 'weights'],
};

function taskWeights(value: unknown, taskCount: number, where: string): readonly number[] {
  const weights = checkNumberArray(value, { min: 0 }, where);
  if (weights.length !== taskCount) {
    throw new ConfigError(`${where} needs one weight per task`, {
      expected: `${taskCount} weights`,
      found: weights.length,
    });
  }
  if (!weights.some((weight) => weight > 0)) {
    throw new ConfigError(`${where} must have a positive weight`, { found: [...weights] });
  }
  return weights;
}

/** Builds the balancer for `taskNames` from the option (strictly validated). */
export function createBalancer(
  option: BalancingArgs | BalancerFactory | undefined,
  taskNames: readonly string[],
  where = 'FitOptions.balancing',
): LossBalancer {
  const taskCount = taskNames.length;
  if (typeof option === 'function') return option(taskNames);
  const args: unknown =
    option === undefined ? { method: 'equal' } : typeof option === 'string' ? { method: option } : option;
  assertPlainObject(args, where);
  const method = checkEnum(args.method, BALANCING_METHODS, `${where}.method`);
  assertKnownKeys(args, KEYS[method], where);
  switch (method) {
    case 'equal':
      return new StaticWeightsBalancer('equal', new Array<number>(taskCount).fill(1));
    case 'fixed':
      return new StaticWeightsBalancer('fixed', taskWeights(args.weights, taskCount, `${where}.weights`));
    case 'uncertainty':
      return new UncertaintyBalancer(
        taskCount,
        optionalNumber(args.initialLogVariance, 0, { min: -10, max: 10 }, `${where}.initialLogVariance`),
      );
    case 'gradnorm':
      return new GradNormBalancer(taskCount, {
        alpha: optionalNumber(args.alpha, DEFAULT_GRADNORM.alpha, { min: 0, max: 10 }, `${where}.alpha`),
        learningRate: optionalNumber(
          args.learningRate,
          DEFAULT_GRADNORM.learningRate,
          { above: 0 },
          `${where}.learningRate`,
        ),
        minWeight: optionalNumber(
          args.minWeight,
          DEFAULT_GRADNORM.minWeight,
          { min: 0, max: 1 },
          `${where}.minWeight`,
        ),
      });
    case 'pcgrad':
      return new PcgradBalancer(
        args.weights === undefined
          ? new Array<number>(taskCount).fill(1)
          : taskWeights(args.weights, taskCount, `${where}.weights`),
      );
  }
}
