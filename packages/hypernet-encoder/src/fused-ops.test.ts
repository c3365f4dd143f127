import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maskedSelfAttention } from './attention.js';
import { sequenceScores, sumOverKeys, sumOverQueries, toKeyMajor } from './attention-products.js';
import { attentionSublayer, attentionWeights } from './attention-sublayer.js';
import { conditionalAffine } from './broadcast-ops.js';
import { dinPool } from './din-pool.js';
import { feedForwardWithResidual } from './feed-forward.js';
import { standardize } from './layer-norm.js';
import { normFeedForward } from './norm-feed-forward.js';
import type { EncoderBlockParams } from './params.js';
import { poolSequences } from './pooling.js';
import { gatherRows, inverseIndex } from './row-gather.js';

type Op = (...inputs: tf.Tensor[]) => tf.Tensor;

/** Largest difference of the values and of every input gradient (under a fixed random read-out). */
function compareWithComposite(fused: Op, composite: Op, inputs: tf.Tensor[]): number {
  return tf.tidy(() => {
    const readOut = tf.randomNormal(fused(...inputs).shape, 0, 1, 'float32', 3);
    const lossOf =
      (op: Op) =>
      (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(op(...xs), readOut));
    const differences = [tf.sub(fused(...inputs), composite(...inputs))];
    const fusedGrads = tf.grads(lossOf(fused))(inputs);
    const compositeGrads = tf.grads(lossOf(composite))(inputs);
    fusedGrads.forEach((g, i) => {
      expect(g.shape).toEqual(inputs[i]!.shape);
      differences.push(tf.sub(g, compositeGrads[i]!));
    });
    return Math.max(...differences.map((d) => tf.max(tf.abs(d)).dataSync()[0]!));
  });
}

const normal = (shape: number[], seed: number, scale = 1) =>
  tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

/** A [n, L] mask with `valid[i]` valid positions at the end of row i. */
function suffixMask(valid: readonly number[], length: number): tf.Tensor2D {
  const values = new Float32Array(valid.length * length);
  valid.forEach((count, i) => {
    for (let l = length - count; l < length; l++) values[i * length + l] = 1;
  });
  return tf.tensor2d(values, [valid.length, length]);
}

describe('fused ops equal their composites (values and every gradient)', () => {
  it('per-sequence attention products as depthwise convolutions', () => {
    const [q, k, m] = [normal([3, 5, 4], 1), normal([3, 5, 4], 2), normal([5, 3, 5], 3)];
    const mStandard = tf.transpose(m, [1, 0, 2]); // [s, i, j]
    const checks: [tf.Tensor, tf.Tensor][] = [
      [sequenceScores(q, k), tf.transpose(tf.matMul(q, k, false, true), [1, 0, 2])], // [i, s, j]
      [sumOverKeys(toKeyMajor(m), k), tf.matMul(mStandard, k)], // [s, i, c]
      [sumOverQueries(toKeyMajor(m), q), tf.matMul(mStandard, q, true, false)], // [s, j, c]
    ];
    for (const [fast, plain] of checks) {
      expect(fast.shape).toEqual(plain.shape);
      expect(tf.max(tf.abs(tf.sub(fast, plain))).dataSync()[0]).toBeLessThan(1e-5);
    }
    tf.dispose([q, k, m, mStandard, checks]);
  });

  for (const [replicas, heads] of [
    [1, 2],
    [2, 2],
    [2, 1],
  ] as const) {
    it(`attention sub-layer, x + MHA(x) (${replicas} replica(s), ${heads} head(s))`, () => {
      const [sequences, length, d] = [3, 5, 4];
      const keyBias = tf.mul(tf.sub(suffixMask([5, 2, 3], length), 1), 1e9);
      const inputs = [
        normal([replicas * sequences, length, d], 1),
        normal([d, 3 * d], 2, 0.5),
        normal([3 * d], 3, 0.5),
        normal([d, d], 4, 0.5),
        normal([d], 5, 0.5),
      ];
      const block = (w: tf.Tensor[]): EncoderBlockParams => ({
        queryKeyValue: { kernel: w[0]!, bias: w[1]! },
        attentionOutput: { kernel: w[2]!, bias: w[3]! },
        feedForward: [{ kernel: w[0]! }, { kernel: w[0]! }],
      });
      const fused: Op = (x, ...w) => attentionSublayer(x!, keyBias, attentionWeights(block(w), heads));
      const composite: Op = (x, ...w) =>
        tf.add(
          x!,
          maskedSelfAttention(x!, keyBias, block(w), { numHeads: heads, dropoutRate: 0, training: false }),
        );
      expect(compareWithComposite(fused, composite, inputs)).toBeLessThan(1e-4);
      tf.dispose([keyBias, inputs]);
    });
  }

  for (const replicas of [1, 2]) {
    it(`LayerNorm 1, FFN, LayerNorm 2 (input ${replicas === 1 ? 'shared by' : 'per'} task)`, () => {
      const [tasks, sequences, length, d, ff] = [2, 3, 4, 4, 6];
      const inputs = [
        tf.add(normal([replicas * sequences, length, d], 1, 2), 1),
        tf.add(normal([tasks, sequences, d], 2, 0.3), 1),
        normal([tasks, sequences, d], 3, 0.3),
        normal([d, ff], 4, 0.5),
        normal([ff], 5, 0.5),
        normal([ff, d], 6, 0.5),
        normal([d], 7, 0.5),
        tf.add(normal([tasks, sequences, d], 8, 0.3), 1),
        normal([tasks, sequences, d], 9, 0.3),
      ];
      const fused: Op = (h, g1, b1, w1, c1, w2, c2, g2, b2) =>
        normFeedForward(
          h!,
          {
            gamma1: g1!,
            beta1: b1!,
            innerKernel: w1!,
            innerBias: c1!,
            outerKernel: w2!,
            outerBias: c2!,
            gamma2: g2!,
            beta2: b2!,
          },
          1e-6,
        );
      const affine = (z: tf.Tensor, r: number, g: tf.Tensor, b: tf.Tensor) =>
        tf.reshape(
          conditionalAffine(
            tf.reshape(z, [r, sequences, length, d]) as tf.Tensor4D,
            g as tf.Tensor3D,
            b as tf.Tensor3D,
          ),
          [-1, d],
        ); // [K*n*L, d]
      const composite: Op = (h, g1, b1, w1, c1, w2, c2, g2, b2) => {
        const y1 = affine(standardize(h!, 1e-6), replicas, g1!, b1!);
        const fed = feedForwardWithResidual(
          y1 as tf.Tensor2D,
          w1 as tf.Tensor2D,
          c1 as tf.Tensor1D,
          w2 as tf.Tensor2D,
          c2 as tf.Tensor1D,
        );
        return tf.reshape(affine(standardize(fed, 1e-6), tasks, g2!, b2!), [-1, length, d]);
      };
      expect(compareWithComposite(fused, composite, inputs)).toBeLessThan(1e-3);
      tf.dispose(inputs);
    });
  }

  for (const units of [[5], [5, 3], []]) {
    it(`DIN pooling with scorer layers [${units.join(', ')}], an all-padding sequence included`, () => {
      const [replicas, sequences, length, d] = [2, 3, 5, 4];
      const mask = suffixMask([5, 0, 2], length);
      const sizes = [4 * d, ...units, 1];
      const weights = sizes
        .slice(1)
        .flatMap((out, i) => [normal([sizes[i]!, out], 10 + i, 0.5), normal([out], 20 + i, 0.5)]);
      const inputs = [normal([replicas, sequences, length, d], 1), normal([sequences, d], 2), ...weights];
      const scorer = (w: tf.Tensor[]) =>
        sizes.slice(1).map((_, i) => ({ kernel: w[2 * i]!, bias: w[2 * i + 1]! }));
      const fused: Op = (encoded, target, ...w) => dinPool(encoded!, mask, target!, scorer(w));
      const composite: Op = (encoded, target, ...w) =>
        tf.reshape(
          poolSequences(
            'target-attention-din',
            {
              encoded: tf.reshape(encoded!, [replicas, 1, sequences, length, d]),
              mask: tf.reshape(mask, [1, sequences, length]),
              target: target!,
            },
            scorer(w),
          ),
          [replicas, sequences, d],
        );
      expect(compareWithComposite(fused, composite, inputs)).toBeLessThan(1e-4);
      const pooled = fused(...inputs);
      expect(Array.from(tf.slice(pooled, [0, 1, 0], [-1, 1, -1]).dataSync()).every((v) => v === 0)).toBe(
        true,
      );
      tf.dispose([mask, inputs, pooled]);
    });
  }

  it('row gathers with inverse-index gradients equal a one-hot product, both axes', () => {
    const x = normal([4, 3], 1);
    const index = Int32Array.from([2, 0, 4, 2, 1]); // row 4 is the zero row; row 2 twice
    const oneHot = tf.tensor2d(
      Array.from(index).flatMap((row) => [0, 1, 2, 3].map((r) => (r === row ? 1 : 0))),
      [5, 4],
    ); // [N, R]
    const readOut = normal([5, 3], 2);
    const fused = (t: tf.Tensor) => gatherRows(t, index, inverseIndex(index, 4));
    expect(inverseIndex(index, 4)).toHaveLength(2);
    expect(tf.max(tf.abs(tf.sub(fused(x), tf.matMul(oneHot, x)))).dataSync()[0]).toBe(0);
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(fused(t), readOut)))([x]);
    expect(tf.max(tf.abs(tf.sub(g!, tf.matMul(oneHot, readOut, true, false)))).dataSync()[0]).toBeLessThan(
      1e-6,
    );
    // axis 1: [R0, R, d]
    const x3 = normal([2, 4, 3], 3);
    const picked = gatherRows(x3, index, inverseIndex(index, 4), 1); // [2, 5, 3]
    const expected = tf.stack(
      [0, 1].map((r) => tf.matMul(oneHot, tf.squeeze(tf.slice(x3, [r, 0, 0], [1, -1, -1]), [0]))),
    );
    expect(tf.max(tf.abs(tf.sub(picked, expected))).dataSync()[0]).toBe(0);
    tf.dispose([x, oneHot, readOut, g, x3, picked, expected]);
  });

  it('leak no tensors, forward and backward', async () => {
    const x = normal([3, 5, 4], 1);
    const mask = suffixMask([5, 0, 2], 5);
    const keyBias = tf.mul(tf.sub(mask, 1), 1e9);
    const w = [normal([4, 12], 2), normal([12], 3), normal([4, 4], 4), normal([4], 5)];
    const block: EncoderBlockParams = {
      queryKeyValue: { kernel: w[0]!, bias: w[1]! },
      attentionOutput: { kernel: w[2]!, bias: w[3]! },
      feedForward: [{ kernel: w[0]! }, { kernel: w[0]! }],
    };
    const norms = {
      gamma1: tf.ones([1, 3, 4]),
      beta1: tf.zeros([1, 3, 4]),
      gamma2: tf.ones([1, 3, 4]),
      beta2: tf.zeros([1, 3, 4]),
    };
    const ffn = {
      innerKernel: normal([4, 6], 6),
      innerBias: normal([6], 7),
      outerKernel: normal([6, 4], 8),
      outerBias: normal([4], 9),
    };
    const scorer = [
      { kernel: normal([16, 3], 10), bias: normal([3], 11) },
      { kernel: normal([3, 1], 12), bias: normal([1], 13) },
    ];
    const target = normal([3, 4], 14);
    await expectNoLeakedTensors(() => {
      const loss = (input: tf.Tensor) => {
        const attended = attentionSublayer(input, keyBias, attentionWeights(block, 2)); // [3, 5, 4]
        const encoded = normFeedForward(attended, { ...norms, ...ffn }, 1e-6); // [3, 5, 4]
        const pooled = dinPool(tf.reshape(encoded, [1, 3, 5, 4]), mask, target, scorer); // [1, 3, 4]
        const index = Int32Array.from([1, 3, 0]);
        return tf.sum(gatherRows(tf.reshape(pooled, [3, 4]), index, inverseIndex(index, 3)));
      };
      tf.dispose(tf.grads(loss)([x]));
      tf.dispose(tf.tidy(() => loss(x)));
    });
    tf.dispose([
      x,
      mask,
      keyBias,
      w,
      Object.values(norms),
      Object.values(ffn),
      scorer.flatMap((l) => [l.kernel, l.bias]),
      target,
    ]);
  });
});
