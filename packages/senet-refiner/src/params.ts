/**
 * Weights of the TRM: per task k, a two-layer excitation MLP, squeeze width S -> r -> N
 * (S = N for the mean squeeze, N * d for the flatten squeeze; r = max(1, ceil(N / reductionRatio))).
 *
 * Weight names (stable; used by @dtrn/model to save and load, and by the Layer's `addWeight`):
 * `task/{k}/excitation/0/kernel` [S, r], `task/{k}/excitation/0/bias` [r],
 * `task/{k}/excitation/1/kernel` [r, N], `task/{k}/excitation/1/bias` [N].
 */
import {
  createDenseVariables,
  type DenseParams,
  type DenseWeightOptions,
  denseParameterCount,
} from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type ResolvedSenetRefinerArgs, senetHiddenUnits, senetSqueezeWidth } from './args.js';

/** Dense parameters whose tensors are of type `T` (tf.Tensor for forward, tf.Variable when created). */
export interface SenetDenseParams<T extends tf.Tensor = tf.Tensor> extends DenseParams {
  readonly kernel: T;
  readonly bias: T;
}

/** One task's excitation MLP: [hidden (S -> r), output (r -> N)]. */
export interface SenetTaskParams<T extends tf.Tensor = tf.Tensor> {
  readonly excitation: readonly [SenetDenseParams<T>, SenetDenseParams<T>];
}

/**
 * The refiner's weights, indexed by task, with the resolved args they were created for (the forward
 * pass reads the squeeze mode and activations from them).
 */
export interface SenetRefinerParams<T extends tf.Tensor = tf.Tensor> {
  readonly args: ResolvedSenetRefinerArgs;
  readonly tasks: readonly SenetTaskParams<T>[];
}

/** Name prefix of task k's excitation MLP (layer i's weights are `${prefix}/${i}/kernel|bias`). */
export function senetExcitationPrefix(task: number): string {
  return `task/${task}/excitation`;
}

/** Initializer options of the two excitation layers (shared by the functional API and the Layer). */
export function senetInitializers(
  args: ResolvedSenetRefinerArgs,
): readonly [DenseWeightOptions, DenseWeightOptions] {
  const hidden: DenseWeightOptions = {
    seed: args.seed,
    kernelInitializer: 'glorotUniform',
    biasInitializer: 'zeros',
  };
  const output: DenseWeightOptions = args.startUniform
    ? {
        seed: args.seed,
        kernelInitializer: 'zeros',
        // relu(0 + 1) = 1 and 2 * sigmoid(0) = 1: every field starts with weight 1 (sigmoid: 0.5).
        biasInitializer: args.excitationActivation === 'relu' ? 'ones' : 'zeros',
      }
    : { seed: args.seed, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' };
  return [hidden, output];
}

/** Shapes of one task's weights, in layer order: [[S, r], [r], [r, N], [N]]. */
export function senetWeightShapes(args: ResolvedSenetRefinerArgs): {
  readonly squeezeWidth: number;
  readonly hiddenUnits: number;
} {
  return { squeezeWidth: senetSqueezeWidth(args), hiddenUnits: senetHiddenUnits(args) };
}

/**
 * Creates the refiner's weights as trainable `tf.Variable`s, seeded from `args.seed` and each
 * weight's name: the same args give the same values as the `DtrnSenetRefiner` layer's weights.
 * The caller owns the variables (dispose them with `tf.dispose(Object.values(senetRefinerVariables(p)))`).
 */
export function createSenetRefinerParams(args: ResolvedSenetRefinerArgs): SenetRefinerParams<tf.Variable> {
  const { squeezeWidth, hiddenUnits } = senetWeightShapes(args);
  const [hiddenOptions, outputOptions] = senetInitializers(args);
  const tasks: SenetTaskParams<tf.Variable>[] = [];
  for (let task = 0; task < args.numTasks; task++) {
    const prefix = senetExcitationPrefix(task);
    const hidden = createDenseVariables(`${prefix}/0`, squeezeWidth, hiddenUnits, hiddenOptions);
    const output = createDenseVariables(`${prefix}/1`, hiddenUnits, args.numFields, outputOptions);
    tasks.push({
      excitation: [
        { kernel: hidden.kernel, bias: hidden.bias! },
        { kernel: output.kernel, bias: output.bias! },
      ],
    });
  }
  return { args, tasks };
}

/** Flat map of the weights by their stable names (see the module comment), in task order. */
export function senetRefinerVariables<T extends tf.Tensor>(params: SenetRefinerParams<T>): Record<string, T> {
  const variables: Record<string, T> = {};
  params.tasks.forEach((taskParams, task) => {
    taskParams.excitation.forEach((layer, index) => {
      variables[`${senetExcitationPrefix(task)}/${index}/kernel`] = layer.kernel;
      variables[`${senetExcitationPrefix(task)}/${index}/bias`] = layer.bias;
    });
  });
  return variables;
}

/** Closed-form trainable parameter count: K * (S * r + r + r * N + N). */
export function senetRefinerParameterCount(args: ResolvedSenetRefinerArgs): number {
  const { squeezeWidth, hiddenUnits } = senetWeightShapes(args);
  const perTask =
    denseParameterCount(squeezeWidth, hiddenUnits) + denseParameterCount(hiddenUnits, args.numFields);
  return args.numTasks * perTask;
}
