/**
 * Squeeze and re-weight of each task's field matrix E^k, for both input forms. In the
 * `{ shared, interests }` form E^k = concat(shared, stack(interests[k])) along the field axis.
 *
 * The shared form keeps its two parts apart and joins them only as 2-D rows ([B, F*d] ++ [B, M*d],
 * [B, F] ++ [B, M]): on wasm the gradient of a concat along a middle axis (a SplitV of [B, N, d])
 * copies every (sample, field) row separately, about 10x more copy calls than splitting 2-D rows
 * (bench/senet-refiner.bench.mjs, before/after). The shared fields' squeeze is computed once for
 * every task. (An earlier variant with one part per interest, M + 1 parts, was about 20% slower
 * than the plain concat: per-op overhead dominates at these sizes.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SqueezeMode } from './args.js';
import type { SenetRefinerInputs } from './inputs.js';

/** Per-task squeeze inputs and a re-weighting function; call inside `tf.tidy`. */
export interface TaskFields {
  /** z^k, K tensors [B, S]: S = N (mean) or N * d (flatten). */
  readonly squeezed: tf.Tensor[];
  /** x^k = flatten(a^k * E^k): weights [B, N] -> bottom [B, N*d]. */
  reweight(task: number, weights: tf.Tensor): tf.Tensor;
}

/**
 * mean over the last axis, [B, n, d] -> [B, n], whose gradient is one broadcasting multiply,
 * dy[b, i] * (1/d) over [B, n, d]. The stock gradient of tf.mean fills a ones tensor of the input's
 * size, multiplies and divides (three passes); tf.tile would be one pass but is slow on wasm.
 */
const meanOverEmbedding = tf.customGrad(((fields: tf.Tensor) => {
  const [, , embeddingDim] = fields.shape as [number, number, number];
  return {
    value: tf.mean(fields, 2), // [B, n]
    gradFunc: (dy: tf.Tensor) =>
      tf.tidy(() => tf.mul(tf.expandDims(dy, 2), tf.fill([1, 1, embeddingDim], 1 / embeddingDim))), // [B, n, d]
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (fields: tf.Tensor) => tf.Tensor;

function squeezeMatrix(fields: tf.Tensor, mode: SqueezeMode): tf.Tensor {
  const [, numFields, embeddingDim] = fields.shape as [number, number, number];
  return mode === 'mean'
    ? meanOverEmbedding(fields) // [B, n]
    : tf.reshape(fields, [-1, numFields * embeddingDim]); // [B, n*d]
}

/** fields [B, n, d] scaled per field by weights [B, n], flattened to [B, n*d]. */
function scaleFields(fields: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  const [, numFields, embeddingDim] = fields.shape as [number, number, number];
  const scaled = tf.mul(fields, tf.expandDims(weights, 2)); // [B, n, d]
  return tf.reshape(scaled, [-1, numFields * embeddingDim]); // [B, n*d]
}

/** The `{ shared, interests }` form with its parts apart (see the file comment). */
function sharedInterestFields(
  shared: tf.Tensor,
  interests: readonly (readonly tf.Tensor[])[],
  mode: SqueezeMode,
) {
  const [batch, numShared, d] = shared.shape as [number, number, number];
  const behaviors = interests[0]!.length;
  const rows = (x: tf.Tensor, fields: number) => tf.reshape(x, [batch, fields * d]); // [B, fields*d]
  const stacked = interests.map((row) => tf.reshape(tf.concat([...row], 1), [batch, behaviors, d])); // K x [B, M, d]
  const sharedSqueezed = mode === 'mean' ? meanOverEmbedding(shared) : rows(shared, numShared); // [B, F] or [B, F*d]
  return {
    squeezed: stacked.map((u) =>
      tf.concat([sharedSqueezed, mode === 'mean' ? meanOverEmbedding(u) : rows(u, behaviors)], 1),
    ), // K x [B, S]
    reweight: (task: number, weights: tf.Tensor) => {
      const [sharedWeights, interestWeights] = tf.split(weights, [numShared, behaviors], 1) as [
        tf.Tensor,
        tf.Tensor,
      ]; // [B, F], [B, M]
      const scaledShared = rows(tf.mul(shared, tf.expandDims(sharedWeights, 2)), numShared); // [B, F*d]
      const scaledInterests = rows(tf.mul(stacked[task]!, tf.expandDims(interestWeights, 2)), behaviors); // [B, M*d]
      return tf.concat([scaledShared, scaledInterests], 1); // [B, N*d]
    },
  };
}

export function taskFields(inputs: SenetRefinerInputs, mode: SqueezeMode): TaskFields {
  if (!('fields' in inputs) && inputs.interests[0]!.length > 0) {
    return sharedInterestFields(inputs.shared, inputs.interests, mode);
  }
  const matrices = 'fields' in inputs ? [...inputs.fields] : inputs.interests.map(() => inputs.shared); // K x [B, N, d]
  return {
    squeezed: matrices.map((fields) => squeezeMatrix(fields, mode)), // K x [B, S]
    reweight: (task, weights) => scaleFields(matrices[task]!, weights), // [B, N*d]
  };
}
