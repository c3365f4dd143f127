/**
 * Pieces the heads are made of: declared dense stacks, expert groups (first layer fused into one
 * product), linear softmax gates, the gated mixture and the task towers. All dense math goes
 * through `denseForward` / `mlpForward` from @dtrn/core (wasm-fast gradient).
 */
import { deriveSeed } from '@dtrn/base';
import {
  type ActivationName,
  type DenseParams,
  denseForward,
  type InitializerName,
  mlpForward,
} from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightCreator, WeightOwner } from './contract.js';
import { declare } from './define-head.js';

/** Declares `${name}/${i}/kernel` [in, units_i] and `${name}/${i}/bias` [units_i] for each layer. */
export function declareMlp(
  create: WeightCreator,
  name: string,
  inputDim: number,
  units: readonly number[],
  initializer: InitializerName,
  owner: WeightOwner,
): DenseParams[] {
  let previous = inputDim;
  return units.map((size, index) => {
    const kernel = declare(create, `${name}/${index}/kernel`, [previous, size], initializer, owner);
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

/** Declares one task tower per task: `tower/${k}/${i}/...`, hidden `towerUnits` then one logit. */
export function declareTowers(
  create: WeightCreator,
  numTasks: number,
  inputDim: number,
  towerUnits: readonly number[],
  initializer: InitializerName,
): DenseParams[][] {
  return Array.from({ length: numTasks }, (_, task) =>
    declareMlp(create, `tower/${task}`, inputDim, [...towerUnits, 1], initializer, task),
  );
}

/** Options of the hidden stacks (bottom, experts, towers) in one forward call. */
export interface StackOptions {
  readonly activation: ActivationName;
  readonly dropoutRate: number;
  readonly training: boolean;
  /** Call seed; each stack derives its own dropout seed from it and its name. */
  readonly seed: number | undefined;
}

/** Dropout seed of one named stack in one call (undefined: random masks). */
export function stackSeed(options: StackOptions, name: string): number | undefined {
  return options.seed === undefined ? undefined : deriveSeed(options.seed, name);
}

/** A hidden stack whose last layer keeps the hidden activation: [N, in] -> [N, units_last]. */
export function hiddenStackForward(
  x: tf.Tensor,
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
  x: tf.Tensor,
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
 * Runs a group of experts on one input and stacks their outputs: [N, in] -> [N, E, H]. The first
 * layers of all experts run as one product with concatenated kernels ([in, E*H1]), which is faster
 * than E small ones; deeper layers run per expert.
 */
export function expertsForward(
  x: tf.Tensor,
  experts: readonly (readonly DenseParams[])[],
  options: StackOptions,
  name: string,
): tf.Tensor {
  return tf.tidy(() => {
    const firstLayers = experts.map((layers) => layers[0]!);
    const firstUnits = firstLayers.map((layer) => layer.kernel.shape[1]!);
    const fusedKernel = tf.concat(
      firstLayers.map((layer) => layer.kernel),
      1,
    ); // [in, E*H1]
    const fusedBias = tf.concat(
      firstLayers.map((layer) => layer.bias!),
      0,
    ); // [E*H1]
    const deeper = experts[0]!.length > 1;
    let hidden = denseForward(x, { kernel: fusedKernel, bias: fusedBias }, options.activation); // [N, E*H1]
    if (deeper && options.training && options.dropoutRate > 0) {
      hidden = tf.dropout(hidden, options.dropoutRate, undefined, stackSeed(options, `${name}/0`));
    }
    // (tf.split into one part has a broken gradient in tfjs 4.22: SplitV's gradient concats a non-array.)
    const parts = experts.length === 1 ? [hidden] : tf.split(hidden, firstUnits, 1); // E x [N, H1]
    const outputs = parts.map((part, expert) =>
      deeper ? hiddenStackForward(part, experts[expert]!.slice(1), options, `${name}/${expert}`) : part,
    ); // E x [N, H]
    return tf.stack(outputs, 1); // [N, E, H]
  });
}

/** Linear softmax gate without bias: [N, in] @ [in, E] -> softmax -> [N, E]. */
export function gateForward(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.softmax(denseForward(x, { kernel }))); // [N, E]
}

/** Gated mixture: sum_e gate[:, e] * experts[:, e, :]; [N, E, H] and [N, E] -> [N, H]. */
export function mixExperts(stackedExperts: tf.Tensor, gate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(stackedExperts, tf.expandDims(gate, 2)), 1)); // [N, H]
}

/** A group of experts and the input they read. */
export interface ExpertGroup {
  readonly input: tf.Tensor;
  readonly experts: readonly (readonly DenseParams[])[];
  /** Name for dropout seeds. */
  readonly name: string;
}

/**
 * Runs several expert groups; groups that read the same tensor run as one fused group (e.g. PLE's
 * task and shared experts when a baseline passes one input everywhere). Returns [N, E_g, H] per
 * group, or null for a group without experts.
 */
export function expertGroupsForward(
  groups: readonly ExpertGroup[],
  options: StackOptions,
): (tf.Tensor | null)[] {
  return tf.tidy(() => {
    const results: (tf.Tensor | null)[] = groups.map(() => null);
    const done = new Set<number>();
    groups.forEach((group, index) => {
      if (done.has(index) || group.experts.length === 0) return;
      const members = groups
        .map((other, otherIndex) => ({ other, otherIndex }))
        .filter(
          ({ other, otherIndex }) =>
            !done.has(otherIndex) && other.input === group.input && other.experts.length > 0,
        );
      for (const { otherIndex } of members) done.add(otherIndex);
      const fusedName = members.map(({ other }) => other.name).join('+');
      const stacked = expertsForward(
        group.input,
        members.flatMap(({ other }) => other.experts),
        options,
        fusedName,
      ); // [N, sum E_g, H]
      const parts =
        members.length === 1
          ? [stacked]
          : tf.split(
              stacked,
              members.map(({ other }) => other.experts.length),
              1,
            ); // per group [N, E_g, H]
      members.forEach(({ otherIndex }, position) => {
        results[otherIndex] = parts[position]!;
      });
    });
    return results as tf.Tensor[];
  });
}
