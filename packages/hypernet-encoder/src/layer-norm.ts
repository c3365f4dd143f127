/**
 * LayerNorm split in two so the normalisation can be shared across tasks: `standardize` (no
 * parameters, independent of the condition) and `applyConditionalAffine` (gamma * z + beta with one
 * (gamma, beta) per replica, i.e. per task).
 */
import * as tf from '@tensorflow/tfjs-core';

/** (x - mean) / sqrt(var + epsilon) over the last axis; same shape as x. */
export function standardize(x: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true); // [..., 1]
    const centered = tf.sub(x, mean); // [..., d]
    const variance = tf.mean(tf.square(centered), -1, true); // [..., 1]
    return tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))); // [..., d]
  });
}

/**
 * gamma * z + beta for R replicas of G groups: z [G, B, L, d] (shared by every replica) or
 * [R, G, B, L, d]; gamma, beta [R, G, d]. Returns [R * G * B, L, d].
 */
export function applyConditionalAffine(z: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [replicas, groups, d] = gamma.shape as [number, number, number];
    const [length] = z.shape.slice(-2) as [number];
    const zFive = z.rank === 4 ? tf.expandDims(z, 0) : z; // [1 or R, G, B, L, d]
    const scale = tf.reshape(gamma, [replicas, groups, 1, 1, d]); // [R, G, 1, 1, d]
    const shift = tf.reshape(beta, [replicas, groups, 1, 1, d]); // [R, G, 1, 1, d]
    const y = tf.add(tf.mul(zFive, scale), shift); // [R, G, B, L, d]
    return tf.reshape(y, [-1, length, d]); // [R*G*B, L, d]
  });
}
