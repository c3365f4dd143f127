/**
 * TRM forward pass, for each task k (one SENet-like network per task):
 *
 *   squeeze     z^k = mean_d(E^k)            [B, N]      (or flatten(E^k), [B, N*d])
 *   excitation  a^k = g(W2^k h(W1^k z^k + b1^k) + b2^k)   [B, N], g = 2*sigmoid | sigmoid | relu
 *   re-weight   R^k_i = a^k_i * E^k_i        [B, N, d]
 *   bottom      x^k = flatten(R^k)           [B, N*d]
 */
import { optionalEnum } from '@dtrn/base';
import { applyActivation, mlpForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ExcitationActivation } from './args.js';
import {
  checkInputForm,
  checkSenetInputShapes,
  type SenetRefinerInputs,
  senetInputShapes,
} from './inputs.js';
import type { SenetRefinerParams } from './params.js';
import { taskFields } from './task-fields.js';

/**
 * How the K excitation MLPs run: `perTask`, a loop of 2-D dense layers (core's `matMul2d`, whose
 * gradient is fast on wasm), or `batched`, one batched matMul over stacked [K, S, r] kernels.
 */
export const EXCITATION_STRATEGIES = ['perTask', 'batched'] as const;
export type ExcitationStrategy = (typeof EXCITATION_STRATEGIES)[number];

export interface SenetRefinerForwardOptions {
  /** Training mode. The TRM has no dropout, so both modes compute the same; kept for the block contract. */
  readonly training: boolean;
  /** Default `perTask` (faster on wasm and cpu; see the README's benchmark). */
  readonly strategy?: ExcitationStrategy;
}

export interface SenetRefinerOutputs {
  /** x^k, K tensors [B, N*d]: task k's bottom representation. */
  readonly bottoms: tf.Tensor[];
  /** a^k, K tensors [B, N]: task k's weight of every field, per example. */
  readonly fieldWeights: tf.Tensor[];
}

/** The excitation gate g. */
export function applyExcitationGate(logits: tf.Tensor, activation: ExcitationActivation): tf.Tensor {
  switch (activation) {
    case 'scaledSigmoid':
      return tf.mul(tf.sigmoid(logits), 2); // (0, 2)
    case 'sigmoid':
      return tf.sigmoid(logits); // (0, 1)
    case 'relu':
      return tf.relu(logits); // [0, inf)
  }
}

/** Excitation logits per task with a loop of 2-D dense layers. */
function excitationPerTask(params: SenetRefinerParams, squeezed: readonly tf.Tensor[]): tf.Tensor[] {
  return squeezed.map((z, task) =>
    mlpForward(z, params.tasks[task]!.excitation, {
      activation: params.args.hiddenActivation,
      outputActivation: 'linear',
    }),
  ); // K x [B, N]
}

/** Excitation logits per task with batched matMuls over stacked weights. */
function excitationBatched(params: SenetRefinerParams, squeezed: readonly tf.Tensor[]): tf.Tensor[] {
  const layer = (index: 0 | 1) => ({
    kernel: tf.stack(params.tasks.map((t) => t.excitation[index].kernel)), // [K, in, out]
    bias: tf.expandDims(tf.stack(params.tasks.map((t) => t.excitation[index].bias)), 1), // [K, 1, out]
  });
  const hidden = layer(0);
  const output = layer(1);
  const z = tf.stack([...squeezed]); // [K, B, S]
  const h = applyActivation(tf.add(tf.matMul(z, hidden.kernel), hidden.bias), params.args.hiddenActivation); // [K, B, r]
  const logits = tf.add(tf.matMul(h, output.kernel), output.bias); // [K, B, N]
  return tf.unstack(logits); // K x [B, N]
}

/**
 * Refines K field matrices into K task bottoms. Pure over `params` (Variables or `LayerVariable.read()`
 * values), wrapped in `tf.tidy`: the caller disposes the returned tensors.
 *
 * @throws ConfigError when `inputs` is neither input form; ShapeError on a shape that does not match
 * `params.args` (K tasks, N fields, size d, one batch size).
 */
export function senetRefinerForward(
  params: SenetRefinerParams,
  inputs: SenetRefinerInputs,
  options: SenetRefinerForwardOptions,
): SenetRefinerOutputs {
  const where = 'SenetRefiner inputs';
  checkInputForm(inputs, where);
  checkSenetInputShapes(params.args, senetInputShapes(inputs), where);
  const strategy = optionalEnum(
    options.strategy,
    'perTask',
    EXCITATION_STRATEGIES,
    'SenetRefinerForwardOptions.strategy',
  );
  const { squeeze, excitationActivation } = params.args;
  return tf.tidy(() => {
    const fields = taskFields(inputs, squeeze);
    const squeezed = fields.squeezed; // K x [B, S]
    const logits =
      strategy === 'batched' ? excitationBatched(params, squeezed) : excitationPerTask(params, squeezed); // K x [B, N]
    const fieldWeights = logits.map((l) => applyExcitationGate(l, excitationActivation)); // K x [B, N]
    const bottoms = fieldWeights.map((weights, task) => fields.reweight(task, weights)); // K x [B, N*d]
    return { bottoms, fieldWeights };
  });
}
