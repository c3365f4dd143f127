/**
 * LayerNorm split in two so the normalisation can be shared across tasks: `standardize` (no
 * parameters, independent of the condition) and `applyConditionalAffine` (gamma * z + beta with one
 * (gamma, beta) per replica, i.e. per task).
 */
import * as tf from '@tensorflow/tfjs-core';
import { conditionalAffine } from './broadcast-ops.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** z = (x - mean) / sqrt(var + epsilon) over the last axis of x [N, d], and rstd [N, 1]. */
export function standardizeValue(x: tf.Tensor2D, epsilon: number | tf.Scalar) {
  const mean = tf.mean(x, -1, true); // [N, 1]
  const centered = tf.sub(x, mean); // [N, d]
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), epsilon)) as tf.Tensor2D; // [N, 1]
  return { z: tf.mul(centered, rstd) as tf.Tensor2D, rstd };
}

/** dx of `standardizeValue` from dz [N, d], z [N, d], rstd [N, 1]: rstd * (dz - mean(dz) - z * mean(dz * z)). */
export function standardizeGradient(dz: tf.Tensor2D, z: tf.Tensor2D, rstd: tf.Tensor2D): tf.Tensor2D {
  const meanGradient = tf.mean(dz, -1, true); // [N, 1]
  const meanProjection = tf.mean(tf.mul(dz, z), -1, true); // [N, 1]
  const centeredGradient = tf.sub(tf.sub(dz, meanGradient), tf.mul(z, meanProjection)); // [N, d]
  return tf.mul(centeredGradient, rstd) as tf.Tensor2D; // [N, d]
}

/**
 * `standardizeValue` as one op whose backward saves only z and the inverse deviation [N, 1]
 * (instead of every intermediate, each copied by wasm's `Identity`).
 */
function standardizeRows(x: tf.Tensor2D, epsilon: tf.Scalar, save: tf.GradSaveFunc) {
  const { z, rstd } = standardizeValue(x, epsilon);
  save([z, rstd]);
  return {
    value: z,
    gradFunc: (dz: tf.Tensor2D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedZ, savedRstd] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [standardizeGradient(dz, savedZ, savedRstd), tf.zerosLike(epsilon)];
      }),
  };
}

const standardizeRowsOp = tf.customGrad(standardizeRows as unknown as CustomGradInput) as unknown as (
  x: tf.Tensor2D,
  epsilon: tf.Scalar,
) => tf.Tensor2D;

/** (x - mean) / sqrt(var + epsilon) over the last axis; same shape as x. */
export function standardize(x: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1]!;
    const z = standardizeRowsOp(tf.reshape(x, [-1, d]) as tf.Tensor2D, tf.scalar(epsilon)); // [N, d]
    return tf.reshape(z, x.shape); // [..., d]
  });
}

/**
 * gamma * z + beta for R replicas of G groups: z [G, B, L, d] (shared by every replica) or
 * [R, G, B, L, d]; gamma, beta [R, G, d]. Returns [R * G * B, L, d]. The gradient reduces over
 * leading axes only (see `conditionalAffine`).
 */
export function applyConditionalAffine(z: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [groups, d] = gamma.shape.slice(1) as [number, number];
    const [length] = z.shape.slice(-2) as [number];
    const shared = z.rank === 4 ? 1 : z.shape[0]!;
    const zFour = tf.reshape(z, [shared, groups, -1, d]) as tf.Tensor4D; // [1 or R, G, B*L, d]
    const y = conditionalAffine(zFour, gamma as tf.Tensor3D, beta as tf.Tensor3D); // [R, G, B*L, d]
    return tf.reshape(y, [-1, length, d]); // [R*G*B, L, d]
  });
}
