/**
 * The per-sequence products of attention (one head: n sequences of L positions, head size dh) as
 * depthwise convolutions, with the sequence as the channel axis.
 *
 * On wasm, tfjs runs a batched matMul ([n, L, L] x [n, L, dh]) as a scalar loop (about 1 GMAC/s,
 * slower still for the scores, whose inner size dh = 8 is short), while `tf.depthwiseConv2d` runs
 * on XNNPACK. A depthwise convolution multiplies each channel by its own filter and sums over the
 * filter window, so with the sequence s as the channel, the contracted index as the window and the
 * other output index as the channel multiplier it computes exactly one product per sequence.
 * Including the layout transposes, a head's forward and backward products take about 1.4x less
 * time than with batched matMuls (bench/kernels.bench.mjs); the results are the same up to float
 * summation order.
 *
 * Layouts: "standard" [n, L, dh] (sequence, position, channel); scores and probabilities [L, n, L]
 * (query i, sequence s, key j), whose last axis is the softmax axis; `toKeyMajor` gives [L, L, n]
 * (query i, key j, sequence s), the layout the products over keys and over queries read.
 */
import * as tf from '@tensorflow/tfjs-core';

/** [n, L, dh] with the positions first and the sequences last: [L, dh, n] (a convolution input). */
function positionsChannelsSequences(x: tf.Tensor): tf.Tensor4D {
  const [n, length, dh] = x.shape as [number, number, number];
  return tf.reshape(tf.transpose(x, [1, 2, 0]), [1, length, dh, n]) as tf.Tensor4D; // [1, L, dh, n]
}

/** scores[i, s, j] = sum_c a[s, i, c] b[s, j, c]: a, b [n, L, dh] -> [L, n, L]. */
export function sequenceScores(a: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [n, length, dh] = a.shape as [number, number, number];
  const input = positionsChannelsSequences(a); // [1, i, c, s]: window over c
  const filter = tf.reshape(tf.transpose(b, [2, 0, 1]), [1, dh, n, length]) as tf.Tensor4D; // [1, c, s, j]
  return tf.reshape(tf.depthwiseConv2d(input, filter, 1, 'valid'), [length, n, length]) as tf.Tensor3D; // [i, s, j]
}

/** [L, n, L] (i, s, j) -> [L, L, n] (i, j, s). */
export function toKeyMajor(x: tf.Tensor): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]) as tf.Tensor3D; // [i, j, s]
}

/** out[s, i, c] = sum_j m[i, j, s] b[s, j, c]: m [L, L, n] (i, j, s), b [n, L, dh] -> [n, L, dh]. */
export function sumOverKeys(m: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [n, length, dh] = b.shape as [number, number, number];
  const input = tf.reshape(m, [1, length, length, n]) as tf.Tensor4D; // [1, i, j, s]: window over j
  const filter = tf.reshape(tf.transpose(b, [1, 0, 2]), [1, length, n, dh]) as tf.Tensor4D; // [1, j, s, c]
  const out = tf.reshape(tf.depthwiseConv2d(input, filter, 1, 'valid'), [length, n, dh]); // [i, s, c]
  return tf.transpose(out, [1, 0, 2]) as tf.Tensor3D; // [n, L, dh]
}

/** out[s, j, c] = sum_i m[i, j, s] b[s, i, c]: m [L, L, n] (i, j, s), b [n, L, dh] -> [n, L, dh]. */
export function sumOverQueries(m: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [n, length, dh] = b.shape as [number, number, number];
  const input = tf.reshape(m, [1, length, length, n]) as tf.Tensor4D; // [1, i, j, s]: window over i
  const filter = tf.reshape(tf.transpose(b, [1, 0, 2]), [length, 1, n, dh]) as tf.Tensor4D; // [i, 1, s, c]
  const out = tf.reshape(tf.depthwiseConv2d(input, filter, 1, 'valid'), [length, n, dh]); // [j, s, c]
  return tf.transpose(out, [1, 0, 2]) as tf.Tensor3D; // [n, L, dh]
}
