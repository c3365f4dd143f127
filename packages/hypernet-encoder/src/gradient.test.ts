import { checkGradients } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { PoolingKind } from './args.js';
import { BUCKET_COST } from './compaction.js';
import { hypernetEncoderForward } from './forward.js';
import {
  createHypernetEncoderParams,
  hypernetEncoderParamsFromRecord,
  hypernetEncoderVariables,
} from './params.js';
import {
  disposeInputs,
  disposeParams,
  makeInputs,
  randomizeHypernetworkOutput,
  tinyArgs,
} from './testing/tiny.js';

/**
 * Finite differences against tf.grads through every weight (including the hypernetwork that
 * generates the LayerNorm parameters), the sequences and the target, with padded keys and one
 * all-padding sequence in the batch.
 */
function gradientCheck(
  overrides: { pooling: PoolingKind; unconditioned?: boolean; numBlocks?: number },
  bucketOverhead = BUCKET_COST.bucketOverhead,
) {
  const overhead = BUCKET_COST.bucketOverhead;
  BUCKET_COST.bucketOverhead = bucketOverhead;
  try {
    return gradientCheckWith(overrides);
  } finally {
    BUCKET_COST.bucketOverhead = overhead;
  }
}

function gradientCheckWith(overrides: { pooling: PoolingKind; unconditioned?: boolean; numBlocks?: number }) {
  const args = tinyArgs({
    numTasks: 2,
    numBehaviors: 2,
    feedForwardDim: 3,
    hypernetworkUnits: 3,
    maxSequenceLength: 3,
    ...overrides,
  });
  const params = createHypernetEncoderParams(args);
  if (!args.unconditioned) randomizeHypernetworkOutput(params, 3, 0.4);
  // Seed chosen so no ReLU pre-activation lies within the finite-difference step of its kink (with
  // seed 21 one FFN unit sat 1e-4 from zero: there the one-sided slopes differ and no check can pass).
  const inputs = makeInputs(2, [3, 2], 4, 22, [
    [0, 2],
    [2, 1],
  ]);
  const variables = hypernetEncoderVariables(params);
  const names = Object.keys(variables);
  const projection = tf.randomNormal([2 * 2, 2, 4], 0, 1, 'float32', 8); // fixed random read-out
  const loss = (...tensors: tf.Tensor[]): tf.Scalar => {
    const record = Object.fromEntries(names.map((name, i) => [name, tensors[i]!]));
    const sequences = tensors.slice(names.length, names.length + 2);
    const target = tensors[names.length + 2] ?? inputs.target; // mean pooling does not read the target
    const out = hypernetEncoderForward(
      hypernetEncoderParamsFromRecord(args, record),
      { sequences, masks: inputs.masks, target },
      { training: false },
    );
    return tf.sum(tf.mul(tf.stack(out.flat()), projection)) as tf.Scalar;
  };
  const usesTarget = args.pooling !== 'mean';
  const report = checkGradients(
    loss,
    [...Object.values(variables), ...inputs.sequences, ...(usesTarget ? [inputs.target] : [])],
    {
      names: [...names, 'sequences[0]', 'sequences[1]', 'target'],
      elementsPerInput: 6,
      epsilon: 2e-3,
      absoluteTolerance: 4e-3,
      relativeTolerance: 4e-2,
    },
  );
  tf.dispose(projection);
  disposeInputs(inputs);
  disposeParams(params);
  return { report, names };
}

describe('gradients', () => {
  it('match finite differences with DIN target attention, through the hypernetwork and masked attention', () => {
    const { report, names } = gradientCheck({ pooling: 'target-attention-din' });
    expect(names).toContain('hypernet/0/kernel');
    expect(names).toContain('hypernet/task_embedding');
    expect(report.checked).toBeGreaterThan(100);
  });

  it('match finite differences with DIN target attention and a bucket per span', () => {
    const { report } = gradientCheck({ pooling: 'target-attention-din', numBlocks: 2 }, 0);
    expect(report.checked).toBeGreaterThan(100);
  });

  it('match finite differences with dot-product pooling and two blocks', () => {
    const { report } = gradientCheck({ pooling: 'target-attention-dot', numBlocks: 2 });
    expect(report.checked).toBeGreaterThan(100);
  });

  it('match finite differences with mean pooling, unconditioned', () => {
    const { report, names } = gradientCheck({ pooling: 'mean', unconditioned: true });
    expect(names).toContain('layer_norm/gamma');
    expect(report.checked).toBeGreaterThan(50);
  });

  it('are finite and zero for an all-padding sequence', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    randomizeHypernetworkOutput(params);
    const inputs = makeInputs(2, [4, 4, 4], 4, 5, [
      [0, 3],
      [4, 4],
      [1, 2],
    ]);
    const grads = tf.grads((s0: tf.Tensor) =>
      tf.sum(
        tf.stack(
          hypernetEncoderForward(
            params,
            { ...inputs, sequences: [s0, ...inputs.sequences.slice(1)] },
            {
              training: false,
            },
          ).flat(),
        ),
      ),
    )([inputs.sequences[0]!]);
    const values = grads[0]!.dataSync();
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Array.from(values.slice(0, 16)).every((v) => v === 0)).toBe(true); // sample 0: all padding
    expect(Array.from(values.slice(16, 20)).every((v) => v === 0)).toBe(true); // sample 1, padded position 0
    expect(Array.from(values.slice(20)).some((v) => v !== 0)).toBe(true);
    tf.dispose(grads);
    disposeInputs(inputs);
    disposeParams(params);
  });
});
