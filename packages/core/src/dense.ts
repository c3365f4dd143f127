/**
 * Dense layers and MLPs as pure functions over explicit parameters, plus helpers that create their
 * weights in a host Layer (flat `addWeight` calls, no nested Layer objects) or as plain variables.
 * The products and their gradients are the ops of dense-ops.ts (fast backward passes on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { type ActivationName, applyActivation } from './activation.js';
import { linear, matMul2d } from './dense-ops.js';
import { type DenseInput, factoredMatMul, isFactoredRows, materializeRows } from './factored-rows.js';
import { type InitializerName, seededInitializer } from './initializers.js';
import { checkRank } from './shape.js';

/** Parameters of one dense layer. */
export interface DenseParams {
  /** [inputDim, units] */
  readonly kernel: tf.Tensor;
  /** [units], or undefined for no bias. */
  readonly bias?: tf.Tensor | undefined;
}

/**
 * y = activation(x @ kernel + bias) over the last axis: x [..., in] -> [..., units]. `x` may also be
 * FactoredRows (C rows sharing all but a column range; inference only): -> [C, units].
 */
export function denseForward(
  x: DenseInput,
  params: DenseParams,
  activation: ActivationName = 'linear',
): tf.Tensor {
  return tf.tidy(() => {
    checkRank(params.kernel.shape, 2, 'dense kernel');
    if (isFactoredRows(x)) {
      let y = factoredMatMul(x, params.kernel); // [C, units]
      if (params.bias) y = tf.add(y, params.bias);
      return applyActivation(y, activation);
    }
    const [inputDim, units] = params.kernel.shape as [number, number];
    const leading = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, inputDim]) as tf.Tensor2D; // [N, in]
    let y: tf.Tensor = params.bias
      ? linear(flat, params.kernel as tf.Tensor2D, params.bias as tf.Tensor1D) // [N, units]
      : matMul2d(flat, params.kernel as tf.Tensor2D); // [N, units]
    y = applyActivation(y, activation);
    return x.rank === 2 ? y : tf.reshape(y, [...leading, units]); // [..., units]
  });
}

export interface MlpOptions {
  /** Activation of every hidden layer. Default relu. */
  readonly activation?: ActivationName;
  /** Activation of the last layer. Default: same as `activation`. */
  readonly outputActivation?: ActivationName;
  /** Dropout rate after each hidden activation, used only when `training`. Default 0. */
  readonly dropoutRate?: number;
  readonly training?: boolean;
  /** Dropout seed (optional). */
  readonly seed?: number;
}

/** A stack of dense layers: x [..., in] (or FactoredRows) -> [..., units[last]]. */
export function mlpForward(
  x: DenseInput,
  layers: readonly DenseParams[],
  options: MlpOptions = {},
): tf.Tensor {
  const activation = options.activation ?? 'relu';
  const outputActivation = options.outputActivation ?? activation;
  const rate = options.dropoutRate ?? 0;
  return tf.tidy(() => {
    if (layers.length === 0) return isFactoredRows(x) ? materializeRows(x) : x;
    let h: tf.Tensor | null = null;
    layers.forEach((layer, index) => {
      const last = index === layers.length - 1;
      let y = denseForward(h ?? x, layer, last ? outputActivation : activation);
      if (!last && options.training && rate > 0) y = tf.dropout(y, rate, undefined, options.seed);
      h = y;
    });
    return h!;
  });
}

/** Parameters of a dense layer: in * units (+ units with bias). */
export function denseParameterCount(inputDim: number, units: number, useBias = true): number {
  return inputDim * units + (useBias ? units : 0);
}

/** Parameters of an MLP with the given hidden/output sizes. */
export function mlpParameterCount(inputDim: number, units: readonly number[], useBias = true): number {
  let total = 0;
  let previous = inputDim;
  for (const size of units) {
    total += denseParameterCount(previous, size, useBias);
    previous = size;
  }
  return total;
}

/**
 * Creates a weight in a host layer. Layers pass
 * `(name, shape, initializer, trainable) => this.addWeight(name, shape, 'float32', initializer, undefined, trainable)`
 * (addWeight is protected, so the layer hands out this adapter).
 */
export type WeightFactory = (
  name: string,
  shape: number[],
  initializer: ReturnType<typeof seededInitializer>,
  trainable?: boolean,
) => LayerVariable;

export interface DenseWeights {
  readonly kernel: LayerVariable;
  readonly bias: LayerVariable | null;
}

export interface DenseWeightOptions {
  readonly useBias?: boolean;
  /** Default glorotUniform. */
  readonly kernelInitializer?: InitializerName;
  /** Default zeros. */
  readonly biasInitializer?: InitializerName;
  /** Base seed; each weight derives its own from its name. Default 0. */
  readonly seed?: number;
}

/** Adds `${name}/kernel` [in, units] and `${name}/bias` [units] to a host layer. */
export function addDenseWeights(
  addWeight: WeightFactory,
  name: string,
  inputDim: number,
  units: number,
  options: DenseWeightOptions = {},
): DenseWeights {
  const seed = options.seed ?? 0;
  const kernel = addWeight(
    `${name}/kernel`,
    [inputDim, units],
    seededInitializer(options.kernelInitializer ?? 'glorotUniform', seed, `${name}/kernel`),
  );
  const bias =
    options.useBias === false
      ? null
      : addWeight(
          `${name}/bias`,
          [units],
          seededInitializer(options.biasInitializer ?? 'zeros', seed, `${name}/bias`),
        );
  return { kernel, bias };
}

/** Adds `${name}/${i}/kernel` and `/bias` for every layer of an MLP. */
export function addMlpWeights(
  addWeight: WeightFactory,
  name: string,
  inputDim: number,
  units: readonly number[],
  options: DenseWeightOptions = {},
): DenseWeights[] {
  let previous = inputDim;
  return units.map((size, index) => {
    const weights = addDenseWeights(addWeight, `${name}/${index}`, previous, size, options);
    previous = size;
    return weights;
  });
}

/** Current values of layer weights as forward-function parameters (no copies). */
export function readDenseWeights(weights: DenseWeights): DenseParams {
  return { kernel: weights.kernel.read(), bias: weights.bias?.read() };
}

export function readMlpWeights(weights: readonly DenseWeights[]): DenseParams[] {
  return weights.map(readDenseWeights);
}

/**
 * Dense parameters as plain trainable variables (for the functional API, outside Layers). `name`
 * seeds the initializer; the variables get tfjs's unique automatic names, so building twice is fine.
 */
export function createDenseVariables(
  name: string,
  inputDim: number,
  units: number,
  options: DenseWeightOptions = {},
) {
  const seed = options.seed ?? 0;
  const kernel = variableFrom(
    seededInitializer(options.kernelInitializer ?? 'glorotUniform', seed, `${name}/kernel`).apply([
      inputDim,
      units,
    ]),
  );
  const bias =
    options.useBias === false
      ? undefined
      : variableFrom(
          seededInitializer(options.biasInitializer ?? 'zeros', seed, `${name}/bias`).apply([units]),
        );
  return { kernel, bias } satisfies DenseParams;
}

/** A trainable variable holding `initial`'s values; `initial` is disposed (tf.variable keeps it alive otherwise). */
function variableFrom(initial: tf.Tensor): tf.Variable {
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

export function createMlpVariables(
  name: string,
  inputDim: number,
  units: readonly number[],
  options: DenseWeightOptions = {},
) {
  let previous = inputDim;
  return units.map((size, index) => {
    const params = createDenseVariables(`${name}/${index}`, previous, size, options);
    previous = size;
    return params;
  });
}
