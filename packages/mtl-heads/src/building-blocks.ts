/**
 * Pieces the heads are made of: declared dense stacks, expert groups (first layer fused into one
 * product), linear softmax gates, the gated mixture and the task towers. All dense math goes
 * through `denseForward` / `mlpForward` from @dtrn/core (wasm-fast gradient).
 */
import { deriveSeed } from '@dtrn/base';
import {
  type ActivationName,
  type DenseInput,
  type DenseParams,
  denseForward,
  type InitializerName,
  mlpForward,
  mlpParameterCount,
} from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedMtlHeadCommonArgs } from './common-args.js';
import type { MtlHeadForwardOptions, WeightCreator, WeightOwner } from './contract.js';
import { declare } from './define-head.js';

/**
 * Declares `${name}/${i}/kernel` [in, units_i] and `${name}/${i}/bias` [units_i] for each layer.
 * `balancedLastKernel`: the last kernel's signs alternate over its input rows (towers' logit layers).
 */
export function declareMlp(
  create: WeightCreator,
  name: string,
  inputDim: number,
  units: readonly number[],
  initializer: InitializerName,
  owner: WeightOwner,
  options: { readonly balancedLastKernel?: boolean } = {},
): DenseParams[] {
  let previous = inputDim;
  return units.map((size, index) => {
    const balancedSigns = options.balancedLastKernel === true && index === units.length - 1;
    const kernel = declare(create, `${name}/${index}/kernel`, [previous, size], initializer, owner, {
      balancedSigns,
    });
    const bias = declare(create, `${name}/${index}/bias`, [size], 'zeros', owner);
    previous = size;
    return { kernel, bias };
  });
}

/** Declares `count` expert MLPs named `${prefix}/${e}/${i}/...`. */
export function declareExperts(
  create: WeightCreator,
  prefix: string,
  count: number,
  inputDim: number,
  units: readonly number[],
  initializer: InitializerName,
  owner: WeightOwner,
): DenseParams[][] {
  return Array.from({ length: count }, (_, expert) =>
    declareMlp(create, `${prefix}/${expert}`, inputDim, units, initializer, owner),
  );
}

/**
 * Declares one task tower per task: `tower/${k}/${i}/...`, hidden `towerUnits` then one logit.
 * The logit layer's kernel has balanced signs (magnitudes from `initializer`, signs alternating over
 * its inputs): its inputs are ReLU outputs (>= 0), and a logit layer drawn all one sign lets the
 * first updates, which pull each task's output towards its base rate, switch every unit of the
 * tower off for good (a dead tower: AUC 0.5 for the whole run; README, "Initialisation").
 */
export function declareTowers(
  create: WeightCreator,
  numTasks: number,
  inputDim: number,
  towerUnits: readonly number[],
  initializer: InitializerName,
): DenseParams[][] {
  return Array.from({ length: numTasks }, (_, task) =>
    declareMlp(create, `tower/${task}`, inputDim, [...towerUnits, 1], initializer, task, {
      balancedLastKernel: true,
    }),
  );
}

/** Parameters of the K towers declared by `declareTowers` on `inputDim` features. */
export function towersParameterCount(args: ResolvedMtlHeadCommonArgs, inputDim: number): number {
  return args.numTasks * mlpParameterCount(inputDim, [...args.towerUnits, 1]);
}

/** Options of the hidden stacks (bottom, experts, towers) in one forward call. */
export interface StackOptions {
  readonly activation: ActivationName;
  readonly dropoutRate: number;
  readonly training: boolean;
  /** Call seed; each stack derives its own dropout seed from it and its name. */
  readonly seed: number | undefined;
}

/** The stack options of one forward call of a head: its activation and dropout, the call's mode and seed. */
export function stackOptions(args: ResolvedMtlHeadCommonArgs, options: MtlHeadForwardOptions): StackOptions {
  return {
    activation: args.activation,
    dropoutRate: args.dropoutRate,
    training: options.training,
    seed: options.seed,
  };
}

/** Dropout seed of one named stack in one call (undefined: random masks). */
export function stackSeed(options: StackOptions, name: string): number | undefined {
  return options.seed === undefined ? undefined : deriveSeed(options.seed, name);
}

/** A hidden stack whose last layer keeps the hidden activation: [N, in] -> [N, units_last]. */
export function hiddenStackForward(
  x: DenseInput,
  layers: readonly DenseParams[],
  options: StackOptions,
  name: string,
): tf.Tensor {
  return mlpForward(x, layers, {
    activation: options.activation,
    outputActivation: options.activation,
    dropoutRate: options.dropoutRate,
    training: options.training,
    seed: stackSeed(options, name),
  });
}

/** Tower k: hidden layers then a linear logit, [N, in] -> [N, 1]. */
export function towerForward(
  x: DenseInput,
  layers: readonly DenseParams[],
  options: StackOptions,
  name: string,
): tf.Tensor {
  return mlpForward(x, layers, {
    activation: options.activation,
    outputActivation: 'linear',
    dropoutRate: options.dropoutRate,
    training: options.training,
    seed: stackSeed(options, name),
  });
}

/**
 * Runs a group of experts on one input: [N, in] -> E x [N, H]. Experts stay a list: on wasm,
 * splitting a fused [N, E*H] product or stacking to [N, E, H] (and the Unpack in its gradient)
 * cost as much as the products themselves (bench/mtl-heads.bench.mjs, README).
 */
export function expertsForward(
  x: DenseInput,
  experts: readonly (readonly DenseParams[])[],
  options: StackOptions,
  name: string,
): tf.Tensor[] {
  return tf.tidy(() =>
    experts.map((layers, expert) => hiddenStackForward(x, layers, options, `${name}/${expert}`)),
  ); // E x [N, H]
}

/** Linear softmax gate without bias: [N, in] @ [in, E] -> softmax -> [N, E]. */
export function gateForward(x: DenseInput, kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.softmax(denseForward(x, { kernel }))); // [N, E]
}

/** Gated mixture: sum_e gate[:, e] * expert_e; E x [N, H] and [N, E] -> [N, H]. */
export function mixExperts(experts: readonly tf.Tensor[], gate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // (tf.split into one part has a broken gradient in tfjs 4.22: SplitV's gradient concats a non-array.)
    const columns = experts.length === 1 ? [gate] : tf.split(gate, experts.length, 1); // E x [N, 1]
    const weighted = experts.map((expert, index) => tf.mul(expert, columns[index]!)); // E x [N, H]
    return weighted.length === 1 ? weighted[0]! : tf.addN(weighted); // [N, H]
  });
}
