/**
 * Test helpers: tiny seeded args, inputs and params (the plain per-(task, behavior) reference the
 * tests compare with is public: reference-forward.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type HypernetEncoderArgs,
  type ResolvedHypernetEncoderArgs,
  resolveHypernetEncoderArgs,
} from '../args.js';
import type { HypernetEncoderInputs } from '../inputs.js';
import { type HypernetEncoderParams, hypernetEncoderVariables, hypernetworkOutputDim } from '../params.js';

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
