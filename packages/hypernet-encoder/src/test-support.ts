/**
 * Test helpers: tiny seeded inputs and a naive per-(task, behavior) reference of the encoder, written
 * independently of the batched implementation (explicit loops over tasks, behaviors and heads).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type HypernetEncoderArgs,
  type ResolvedHypernetEncoderArgs,
  resolveHypernetEncoderArgs,
} from './args.js';
import { hypernetEncoderLayerNormsFor } from './hypernetwork.js';
import type { HypernetEncoderInputs } from './inputs.js';
import { type HypernetEncoderParams, hypernetEncoderVariables, hypernetworkOutputDim } from './params.js';

export const TINY_ARGS: HypernetEncoderArgs = {
  numTasks: 2,
  numBehaviors: 3,
  embeddingDim: 4,
  maxSequenceLength: 5,
  numHeads: 2,
  feedForwardDim: 6,
  hypernetworkUnits: 5,
  taskEmbeddingDim: 3,
  behaviorEmbeddingDim: 2,
  poolingUnits: [4],
  seed: 11,
};

export function tinyArgs(overrides: Partial<HypernetEncoderArgs> = {}): ResolvedHypernetEncoderArgs {
  return resolveHypernetEncoderArgs({ ...TINY_ARGS, ...overrides });
}

/**
 * Seeded inputs: behavior m has length `lengths[m]`; sample b of behavior m has `valid[m][b]` valid
 * elements at the end (padding at the start), default a spread including one all-padding row.
 */
export function makeInputs(
  batch: number,
  lengths: readonly number[],
  d: number,
  seed = 1,
  valid?: readonly (readonly number[])[],
): HypernetEncoderInputs {
  const sequences = lengths.map((length, m) =>
    tf.randomNormal([batch, length, d], 0, 1, 'float32', seed + m),
  );
  const masks = lengths.map((length, m) => {
    const values = new Float32Array(batch * length);
    for (let b = 0; b < batch; b++) {
      const count = valid?.[m]?.[b] ?? (b === 0 && m === 0 ? 0 : Math.max(1, length - ((b + m) % length)));
      for (let i = length - count; i < length; i++) values[b * length + i] = 1;
    }
    return tf.tensor2d(values, [batch, length]);
  });
  const target = tf.randomNormal([batch, d], 0, 1, 'float32', seed + 100);
  return { sequences, masks, target };
}

export function disposeInputs(inputs: HypernetEncoderInputs): void {
  tf.dispose([...inputs.sequences, ...inputs.masks, inputs.target]);
}

/** Replaces the hypernetwork's zero last layer with seeded random values, so tasks differ. */
export function randomizeHypernetworkOutput(params: HypernetEncoderParams, seed = 5, scale = 0.5): void {
  const layer = params.hypernetwork!.layers[1];
  const outputDim = hypernetworkOutputDim(params.args);
  (layer.kernel as tf.Variable).assign(
    tf.randomUniform([params.args.hypernetworkUnits, outputDim], -scale, scale, 'float32', seed),
  );
  (layer.bias as tf.Variable).assign(tf.randomUniform([outputDim], -scale, scale, 'float32', seed + 1));
}

export function disposeParams(params: HypernetEncoderParams): void {
  tf.dispose(Object.values(hypernetEncoderVariables(params)));
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

function dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined): tf.Tensor {
  const [inputDim, units] = kernel.shape as [number, number];
  const y = tf.matMul(tf.reshape(x, [-1, inputDim]), kernel);
  return tf.reshape(bias ? tf.add(y, bias) : y, [...x.shape.slice(0, -1), units]);
}

/** u[k][m] computed one (task, behavior) pair and one head at a time, inference mode. */
export function referenceForward(
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
): tf.Tensor[][] {
  const { args } = params;
  const d = args.embeddingDim;
  const headDim = d / args.numHeads;
  return tf.tidy(() => {
    const out: tf.Tensor[][] = [];
    for (let k = 0; k < args.numTasks; k++) {
      const row: tf.Tensor[] = [];
      for (let m = 0; m < args.numBehaviors; m++) {
        const norms = hypernetEncoderLayerNormsFor(params, k, m);
        const mask = inputs.masks[m]!; // [B, L]
        const [batch, length] = mask.shape as [number, number];
        let x = inputs.sequences[m]!;
        if (params.positionEmbedding) {
          const table = params.positionEmbedding;
          x = tf.add(x, tf.slice(table, [table.shape[0]! - length, 0], [length, d]));
        }
        const bias = tf.reshape(tf.mul(tf.sub(mask, 1), 1e9), [batch, 1, length]);
        params.blocks.forEach((block, b) => {
          const qkv = dense(x, block.queryKeyValue.kernel, block.queryKeyValue.bias);
          const heads: tf.Tensor[] = [];
          for (let h = 0; h < args.numHeads; h++) {
            const part = (offset: number) =>
              tf.slice(qkv, [0, 0, offset * d + h * headDim], [-1, -1, headDim]);
            const scores = tf.div(tf.matMul(part(0), part(1), false, true), Math.sqrt(headDim));
            heads.push(tf.matMul(tf.softmax(tf.add(scores, bias)), part(2)));
          }
          const attended = dense(
            tf.concat(heads, 2),
            block.attentionOutput.kernel,
            block.attentionOutput.bias,
          );
          const gamma = (n: number) => tf.slice(norms.gamma, [n, 0], [1, d]);
          const beta = (n: number) => tf.slice(norms.beta, [n, 0], [1, d]);
          x = layerNorm(tf.add(x, attended), gamma(2 * b), beta(2 * b), args.layerNormEpsilon);
          const [inner, outer] = block.feedForward;
          const fed = dense(tf.relu(dense(x, inner.kernel, inner.bias)), outer.kernel, outer.bias);
          x = layerNorm(tf.add(x, fed), gamma(2 * b + 1), beta(2 * b + 1), args.layerNormEpsilon);
        });
        const target = inputs.target; // [B, d]
        let pooled: tf.Tensor;
        if (args.pooling === 'mean') {
          const summed = tf.sum(tf.mul(x, tf.expandDims(mask, 2)), 1);
          pooled = tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1));
        } else {
          let scores: tf.Tensor;
          if (args.pooling === 'target-attention-dot') {
            scores = tf.div(tf.sum(tf.mul(x, tf.expandDims(target, 1)), 2), Math.sqrt(d));
          } else {
            const t = tf.broadcastTo(tf.expandDims(target, 1), x.shape);
            let h = tf.concat([x, t, tf.sub(x, t), tf.mul(x, t)], 2);
            params.pooling.forEach((layer, i) => {
              h = dense(h, layer.kernel, layer.bias);
              if (i < params.pooling.length - 1) h = tf.relu(h);
            });
            scores = tf.reshape(h, [batch, length]);
          }
          const weights = tf.softmax(tf.add(scores, tf.mul(tf.sub(mask, 1), 1e9)));
          const anyValid = tf.cast(tf.greater(tf.sum(mask, 1, true), 0), 'float32');
          pooled = tf.mul(tf.sum(tf.mul(x, tf.expandDims(weights, 2)), 1), anyValid);
        }
        row.push(pooled);
      }
      out.push(row);
    }
    return out;
  });
}

/** Largest absolute difference between two equally shaped nested outputs. */
export function maxDifference(a: tf.Tensor[][], b: tf.Tensor[][]): number {
  let max = 0;
  a.forEach((row, k) => {
    row.forEach((tensor, m) => {
      const other = b[k]![m]!;
      const x = tensor.dataSync();
      const y = other.dataSync();
      if (x.length !== y.length) throw new Error(`maxDifference: sizes differ at [${k}][${m}]`);
      for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
    });
  });
  return max;
}
