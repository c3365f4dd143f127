/**
 * The hypernetwork: from a task-type embedding T_k and a behavior-type embedding B_m to the
 * (gamma, beta) of every LayerNorm of the shared Transformer, for all K * M pairs in one batched
 * pass (it depends on (k, m) only, so it runs once per batch, never per sample).
 *
 *   c = concat(T_k, B_m);  h = relu(W1 c + b1);  theta = W2 h + b2 = (delta_gamma, delta_beta)
 *   gamma = 1 + delta_gamma;  beta = delta_beta
 */
import { ConfigError, denseForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { numLayerNorms } from './args.js';
import type { HypernetEncoderParams } from './params.js';

/** Every conditional LayerNorm's parameters; index [k, m, n, :] with n = 2 * block + (0 after attention, 1 after FFN). */
export interface GeneratedLayerNorms {
  /** [K, M, 2 * numBlocks, d] */
  readonly gamma: tf.Tensor;
  /** [K, M, 2 * numBlocks, d] */
  readonly beta: tf.Tensor;
}

/**
 * The (gamma, beta) of every LayerNorm for every (task, behavior) pair. In the unconditioned mode
 * the shared LayerNorm is broadcast to every pair. Tidy-wrapped: the caller disposes both tensors.
 */
export function hypernetEncoderLayerNorms(params: HypernetEncoderParams): GeneratedLayerNorms {
  const { numTasks, numBehaviors, embeddingDim } = params.args;
  const norms = numLayerNorms(params.args);
  return tf.tidy(() => {
    if (!params.hypernetwork) {
      const shared = params.layerNorm!;
      const shape = [numTasks, numBehaviors, norms, embeddingDim];
      return { gamma: tf.broadcastTo(shared.gamma, shape), beta: tf.broadcastTo(shared.beta, shape) };
    }
    const hidden = hypernetworkHidden(params)!; // [K*M, units]
    const theta = denseForward(hidden, params.hypernetwork.layers[1]); // [K*M, 2 * norms * d]
    const split = tf.reshape(theta, [numTasks, numBehaviors, 2, norms, embeddingDim]); // [K, M, 2, norms, d]
    const [deltaGamma, deltaBeta] = tf.unstack(split, 2) as [tf.Tensor, tf.Tensor]; // 2 x [K, M, norms, d]
    return { gamma: tf.add(deltaGamma, 1), beta: deltaBeta };
  });
}

/**
 * The hypernetwork's hidden layer for every (task, behavior) pair, row k * M + m:
 * relu(W1 concat(T_k, B_m) + b1), [K * M, units]; null in the unconditioned mode. Caller disposes.
 */
export function hypernetworkHidden(params: HypernetEncoderParams): tf.Tensor | null {
  if (!params.hypernetwork) return null;
  const { numTasks, numBehaviors } = params.args;
  return tf.tidy(() => {
    const { taskEmbedding, behaviorEmbedding, layers } = params.hypernetwork!;
    const taskDim = taskEmbedding.shape[1]!;
    const behaviorDim = behaviorEmbedding.shape[1]!;
    const tasks = tf.broadcastTo(tf.reshape(taskEmbedding, [numTasks, 1, taskDim]), [
      numTasks,
      numBehaviors,
      taskDim,
    ]); // [K, M, et]
    const behaviors = tf.broadcastTo(tf.reshape(behaviorEmbedding, [1, numBehaviors, behaviorDim]), [
      numTasks,
      numBehaviors,
      behaviorDim,
    ]); // [K, M, eb]
    const condition = tf.reshape(tf.concat([tasks, behaviors], 2), [numTasks * numBehaviors, -1]); // [K*M, et+eb]
    return denseForward(condition, layers[0], 'relu'); // [K*M, units]
  });
}

/** The (gamma, beta) of every LayerNorm of one (task, behavior) pair: both [2 * numBlocks, d]. Caller disposes. */
export function hypernetEncoderLayerNormsFor(
  params: HypernetEncoderParams,
  taskIndex: number,
  behaviorIndex: number,
): GeneratedLayerNorms {
  const { numTasks, numBehaviors } = params.args;
  for (const [name, value, count] of [
    ['taskIndex', taskIndex, numTasks],
    ['behaviorIndex', behaviorIndex, numBehaviors],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= count) {
      throw new ConfigError(`hypernetEncoderLayerNormsFor: ${name} is out of range`, {
        expected: `an integer in [0, ${count})`,
        found: value,
      });
    }
  }
  return tf.tidy(() => {
    const all = hypernetEncoderLayerNorms(params);
    const pick = (x: tf.Tensor) =>
      tf.squeeze(tf.slice(x, [taskIndex, behaviorIndex, 0, 0], [1, 1, -1, -1]), [0, 1]); // [norms, d]
    return { gamma: pick(all.gamma), beta: pick(all.beta) };
  });
}
