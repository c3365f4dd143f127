/**
 * Broadcast products and sums whose gradients reduce over LEADING axes only.
 *
 * The stock gradient of a broadcast op sums over every broadcast axis with the `Sum` kernel; on
 * wasm a reduction over a leading or middle axis of a large tensor runs through a transpose plus a
 * slow loop (the conditional LayerNorm's gradient alone cost about a second per step at B = 512).
 * These ops keep the replica (task x behavior) axis leading and reduce it with `tf.sum` over axis 0,
 * and a middle axis with a batched product by a ones row.
 */
import * as tf from '@tensorflow/tfjs-core';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/**
 * sum over axis 0: x [R, ...rest] -> [...rest]. `tf.sum` (a transpose, then a row loop): with
 * fresh inputs it was as fast as a product by a ones row or faster at every shape measured
 * (bench/kernels.bench.mjs), since that product must first pack x.
 */
export function sumLeading(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => (x.shape[0] === 1 ? tf.reshape(x, x.shape.slice(1)) : tf.sum(x, 0))); // [...rest]
}

/** sum over axis 1: x [A, N, C] -> [A, C], as ones[A, 1, N] @ x (batched). */
export function sumMiddle(x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [outer, middle, inner] = x.shape;
    if (middle === 1) return tf.reshape(x, [outer, inner]) as tf.Tensor2D;
    const ones = tf.fill([outer, 1, middle], 1) as tf.Tensor3D; // [A, 1, N]
    return tf.reshape(tf.matMul(ones, x), [outer, inner]) as tf.Tensor2D; // [A, C]
  });
}

/** y[k, g] = gamma[k, g] * z[g] + beta[k, g]: z [Rz, G, N, d], gamma, beta [K, G, d] -> [K, G, N, d]. */
export function affineValue(z: tf.Tensor4D, gamma: tf.Tensor3D, beta: tf.Tensor3D): tf.Tensor4D {
  const [tasks, groups, d] = gamma.shape;
  const scale = tf.reshape(gamma, [tasks, groups, 1, d]); // [K, G, 1, d]
  const shift = tf.reshape(beta, [tasks, groups, 1, d]); // [K, G, 1, d]
  return tf.add(tf.mul(z, scale), shift) as tf.Tensor4D; // [K, G, N, d]
}

/**
 * Gradients of `affineValue` given dy [K, G, N, d]: dz = sum_k gamma_k * dy_k when z is shared
 * (Rz = 1, a leading-axis sum) else gamma * dy; dgamma = sum_n dy * z and dbeta = sum_n dy
 * (middle-axis sums as batched ones products).
 */
export function affineGradients(dy: tf.Tensor4D, z: tf.Tensor4D, gamma: tf.Tensor3D) {
  const [tasks, groups, d] = gamma.shape;
  const rows = z.shape[2];
  const scaled = tf.mul(dy, tf.reshape(gamma, [tasks, groups, 1, d])); // [K, G, N, d]
  const dz = (z.shape[0] === 1 ? tf.expandDims(sumLeading(scaled), 0) : scaled) as tf.Tensor4D; // [Rz, G, N, d]
  const perReplica = (x: tf.Tensor) => tf.reshape(x, [tasks * groups, rows, d]) as tf.Tensor3D;
  const dGamma = tf.reshape(sumMiddle(perReplica(tf.mul(dy, z))), [tasks, groups, d]) as tf.Tensor3D; // [K, G, d]
  const dBeta = tf.reshape(sumMiddle(perReplica(dy)), [tasks, groups, d]) as tf.Tensor3D; // [K, G, d]
  return { dz, dGamma, dBeta };
}

/**
 * `affineValue` as one op (the conditional LayerNorm affine for K tasks of G groups; z shared by
 * every task when Rz = 1); gradients by `affineGradients`, reducing over leading axes only.
 */
export const conditionalAffine = tf.customGrad(((
  z: tf.Tensor4D,
  gamma: tf.Tensor3D,
  beta: tf.Tensor3D,
  save: tf.GradSaveFunc,
) => {
  save([z, gamma]);
  return {
    value: affineValue(z, gamma, beta), // [K, G, N, d]
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedZ, savedGamma] = saved as [tf.Tensor4D, tf.Tensor3D];
        const { dz, dGamma, dBeta } = affineGradients(dy, savedZ, savedGamma);
        return [dz, dGamma, dBeta];
      }),
  };
}) as unknown as CustomGradInput) as unknown as (
  z: tf.Tensor4D,
  gamma: tf.Tensor3D,
  beta: tf.Tensor3D,
) => tf.Tensor4D;

/**
 * x + c broadcast per sample: x [R, B, L, u], c [B, u] -> [R, B, L, u]. dc = sum over R and L
 * (a leading then a middle sum).
 */
export const addPerSample = tf.customGrad(((x: tf.Tensor4D, c: tf.Tensor2D) => {
  const [, batch, , units] = x.shape;
  return {
    value: tf.add(x, tf.reshape(c, [1, batch, 1, units])), // [R, B, L, u]
    gradFunc: (dy: tf.Tensor4D) =>
      tf.tidy(() => {
        const [replicas, , length] = dy.shape;
        // The middle (length) axis first, then the leading one (both cheap reductions).
        const overLength = sumMiddle(tf.reshape(dy, [replicas * batch, length, units]) as tf.Tensor3D); // [R*B, u]
        return [dy, sumLeading(tf.reshape(overLength, [replicas, batch, units]))]; // [R, B, L, u], [B, u]
      }),
  };
}) as unknown as CustomGradInput) as unknown as (x: tf.Tensor4D, c: tf.Tensor2D) => tf.Tensor4D;

/**
 * x * t broadcast per sample: x [R, B, L, d], t [B, d] -> [R, B, L, d]. dx = dy * t;
 * dt = sum over R and L of dy * x.
 */
export const mulPerSample = tf.customGrad(((x: tf.Tensor4D, t: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const [, batch, , d] = x.shape;
  save([x, t]);
  const perSample = (v: tf.Tensor) => tf.reshape(v, [1, batch, 1, d]); // [1, B, 1, d]
  return {
    value: tf.mul(x, perSample(t)), // [R, B, L, d]
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedX, savedT] = saved as [tf.Tensor4D, tf.Tensor2D];
        const dx = tf.mul(dy, perSample(savedT)); // [R, B, L, d]
        const dt = sumMiddle(sumLeading(tf.mul(dy, savedX)) as tf.Tensor3D); // [B, d]
        return [dx, dt];
      }),
  };
}) as unknown as CustomGradInput) as unknown as (x: tf.Tensor4D, t: tf.Tensor2D) => tf.Tensor4D;
