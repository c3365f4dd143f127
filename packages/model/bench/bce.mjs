// Summed mean BCE-with-logits over tasks (every row counts), the loss of the bare benchmark loops.
import * as tf from '@tensorflow/tfjs-core';

/** K logits [B, 1] and K label arrays [B] -> scalar. */
export function bce(logits, labels) {
  return tf.tidy(() =>
    tf.addN(
      logits.map((logit, k) => {
        const y = tf.tensor2d(labels[k], [labels[k].length, 1]); // [B, 1]
        return tf.mean(
          tf.sub(tf.add(tf.relu(logit), tf.log1p(tf.exp(tf.neg(tf.abs(logit))))), tf.mul(logit, y)),
        );
      }),
    ),
  );
}
