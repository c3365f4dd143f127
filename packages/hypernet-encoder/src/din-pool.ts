/**
 * DIN target-attention pooling of one bucket as one op with a hand-written backward pass:
 *
 *   H1 = relu([e, t, e - t, e * t] W1 + b1)    the DIN scorer's first layer (din-hidden.ts)
 *   Hi = relu(H(i-1) Wi + bi)                   further hidden layers, if any
 *   s  = H Wlast + blast                        one score per position     [R, n, L]
 *   w  = softmax(s + keyBias)                   over the positions          [R, n, L]
 *   u  = [any valid] * sum_l w_l e_l                                        [R, n, d]
 *
 * It saves e, t, w and the hidden layers (once each). Autodiff of the composite kept the first
 * hidden layer twice (its own op's save and the next product's), e again for the weighted sum, and
 * every intermediate gradient.
 */
import { type DenseParams, denseInputGradient, denseWeightGradients } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { dinHiddenGradients, dinHiddenValue } from './din-hidden.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** The scorer's hidden layers after the first, and its score layer: [H1, H2, ..., s]. */
function scorerLayers(
  first: tf.Tensor2D,
  kernels: readonly tf.Tensor2D[],
  biases: readonly tf.Tensor1D[],
): tf.Tensor2D[] {
  const out = [first]; // [R*n*L, u1]
  kernels.forEach((kernel, i) => {
    const last = i === kernels.length - 1;
    out.push(
      tf.fused.matMul({
        a: out[i]!,
        b: kernel,
        bias: biases[i]!,
        activation: last ? 'linear' : 'relu',
      }) as tf.Tensor2D,
    ); // [R*n*L, u(i+2)] (the last: [R*n*L, 1])
  });
  return out;
}

/** The op for a scorer of `layers` dense layers (the first one on the DIN features). */
function dinPoolOp(layers: number) {
  const op = (...args: unknown[]) => {
    const [encoded, keyBias, anyValid, target] = args.slice(0, 4) as [
      tf.Tensor4D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor2D,
    ];
    const kernels = args.slice(4, 4 + layers) as tf.Tensor2D[];
    const biases = args.slice(4 + layers, 4 + 2 * layers) as tf.Tensor1D[];
    const save = args[4 + 2 * layers] as tf.GradSaveFunc;
    const [replicas, sequences, length, d] = encoded.shape;
    const rows = replicas * sequences * length;
    const hiddenFirst = (e: tf.Tensor4D, t: tf.Tensor2D, k: tf.Tensor2D, b: tf.Tensor1D) =>
      tf.reshape(dinHiddenValue(e, t, k, b), [rows, -1]) as tf.Tensor2D; // [R*n*L, u1]
    const perSequence = (x: tf.Tensor, inner: [number, number]) =>
      tf.reshape(x, [replicas * sequences, ...inner]) as tf.Tensor3D;
    const layerOutputs = scorerLayers(
      hiddenFirst(encoded, target, kernels[0]!, biases[0]!),
      kernels.slice(1),
      biases.slice(1),
    );
    const scores = tf.reshape(layerOutputs[layerOutputs.length - 1]!, [replicas, sequences, length]); // [R, n, L]
    const weights = tf.softmax(tf.add(scores, tf.reshape(keyBias, [1, sequences, length]))); // [R, n, L]
    const pooled = tf.matMul(perSequence(weights, [1, length]), perSequence(encoded, [length, d])); // [R*n, 1, d]
    const valid = tf.reshape(anyValid, [1, sequences, 1]); // [1, n, 1]
    // The relu layers, [R*n*L, u_i] each (with no hidden layer after the first, the score is one).
    const hiddenLayers = layers === 1 ? layerOutputs : layerOutputs.slice(0, -1);
    save([encoded, target, anyValid, weights, ...kernels, ...hiddenLayers]);
    return {
      value: tf.mul(tf.reshape(pooled, [replicas, sequences, d]), valid), // [R, n, d]
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [e, t, any, w] = saved as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.Tensor3D];
          const ks = saved.slice(4, 4 + layers) as tf.Tensor2D[];
          const outputs = saved.slice(4 + layers) as tf.Tensor2D[]; // the hidden layers
          const dPooled = tf.mul(dy, tf.reshape(any, [1, sequences, 1])); // [R, n, d]
          // The weighted sum: dw_l = dPooled . e_l, de_l = w_l dPooled.
          const dWeights = tf.reshape(
            tf.matMul(perSequence(dPooled, [1, d]), perSequence(e, [length, d]), false, true),
            [replicas, sequences, length],
          ); // [R, n, L]
          const fromPooling = tf.mul(
            tf.reshape(w, [replicas, sequences, length, 1]),
            tf.reshape(dPooled, [replicas, sequences, 1, d]),
          ); // [R, n, L, d]
          // The softmax: ds = w (dw - sum_l w dw).
          const dScores = tf.mul(w, tf.sub(dWeights, tf.sum(tf.mul(dWeights, w), -1, true))); // [R, n, L]
          // The scorer, last layer first (hidden layers recomputed).
          let dOut = tf.reshape(dScores, [rows, 1]) as tf.Tensor2D; // [R*n*L, 1]
          const dKernels: tf.Tensor[] = [];
          const dBiases: tf.Tensor[] = [];
          for (let i = layers - 1; i >= 1; i--) {
            const input = outputs[i - 1]!; // [R*n*L, u_i]
            const weights = denseWeightGradients(input, dOut, true);
            dKernels.unshift(weights.kernel); // [u_i, u_(i+1)]
            dBiases.unshift(weights.bias!); // [u_(i+1)]
            dOut = tf.mul(denseInputGradient(dOut, ks[i]!), tf.step(input)) as tf.Tensor2D; // [R*n*L, u_i], pre-activation
          }
          // With no hidden layer after the first, the score is the first layer's (relu) output.
          if (layers === 1) dOut = tf.mul(dOut, tf.step(outputs[0]!)) as tf.Tensor2D;
          const first = dinHiddenGradients(dOut, e, t, ks[0]!);
          return [
            tf.add(first.dEncoded, fromPooling), // [R, n, L, d]
            tf.zerosLike(keyBias),
            tf.zerosLike(any),
            first.dTarget, // [n, d]
            first.dKernel,
            ...dKernels,
            first.dBias,
            ...dBiases,
          ];
        }),
    };
  };
  return tf.customGrad(op as unknown as CustomGradInput) as unknown as (
    ...inputs: tf.Tensor[]
  ) => tf.Tensor3D;
}

/**
 * DIN pooling of one bucket: encoded [R, n, L, d], mask [n, L] (1 valid, 0 padding), targets [n, d]
 * (each sequence's target), scorer layers ([4d, u1], ..., [u_last, 1]) -> [R, n, d].
 */
export function dinPool(
  encoded: tf.Tensor,
  mask: tf.Tensor,
  targets: tf.Tensor,
  scorer: readonly DenseParams[],
): tf.Tensor {
  return tf.tidy(() => {
    const keyBias = tf.mul(tf.sub(mask, 1), 1e9); // [n, L]
    const anyValid = tf.cast(tf.greater(tf.max(mask, 1), 0), 'float32'); // [n]
    const biases = scorer.map((layer) => layer.bias ?? tf.zeros([layer.kernel.shape[1]!]));
    return dinPoolOp(scorer.length)(
      encoded,
      keyBias,
      anyValid,
      targets,
      ...scorer.map((layer) => layer.kernel),
      ...biases,
    ); // [R, n, d]
  });
}
