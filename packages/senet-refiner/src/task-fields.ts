/**
 * Squeeze and re-weight of each task's field matrix E^k, for both input forms. In the
 * `{ shared, interests }` form E^k = concat(shared, stack(interests[k])) along the field axis.
 *
 * Measured alternatives for the shared form (bench, wasm, CPU time of a training step): squeezing the
 * shared fields once and concatenating flat [B, F*d] ++ [B, d] x M rows was about 20% slower than
 * this plain version: it saves little arithmetic but adds many small ops, and per-op overhead
 * dominates at these sizes.
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
    // tidy: tfjs runs a custom op's backward outside any tidy (its intermediates would otherwise
    // live until the whole backward pass ends).
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

export function taskFields(inputs: SenetRefinerInputs, mode: SqueezeMode): TaskFields {
  const matrices =
    'fields' in inputs
      ? [...inputs.fields]
      : inputs.interests.map((row) =>
          row.length > 0 ? tf.concat([inputs.shared, tf.stack([...row], 1)], 1) : inputs.shared,
        ); // K x [B, N, d]
  return {
    squeezed: matrices.map((fields) => squeezeMatrix(fields, mode)), // K x [B, S]
    reweight: (task, weights) => scaleFields(matrices[task]!, weights), // [B, N*d]
  };
}
