import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type HypernetEncoderArgs, POOLING_KINDS } from './args.js';
import { BUCKET_COST } from './compaction.js';
import { FUSION } from './encode-bucket.js';
import { type HypernetEncoderForwardOptions, hypernetEncoderForward } from './forward.js';
import type { HypernetEncoderInputs } from './inputs.js';
import {
  createHypernetEncoderParams,
  type HypernetEncoderParams,
  hypernetEncoderVariables,
} from './params.js';
import { hypernetEncoderReferenceForward } from './reference-forward.js';
import {
  disposeInputs,
  disposeParams,
  makeInputs,
  maxDifference,
  randomizeHypernetworkOutput,
  tinyArgs,
} from './testing/tiny.js';

/** One configuration of the package's tests (forward, gradient, layer and fused-op tests). */
interface Case {
  readonly name: string;
  readonly args?: Partial<HypernetEncoderArgs>;
  readonly batch?: number;
  readonly lengths?: readonly number[];
  /** Valid elements per [behavior][sample] (padding at the start); default: makeInputs' spread with one all-padding row. */
  readonly valid?: readonly (readonly number[])[];
  /** Positions set to padding inside the spans: per behavior, flat indices into [B * L_m]. */
  readonly holes?: readonly (readonly number[])[];
  /** Masks given as this dtype (int32 masks hold 2 for valid: any non-zero value is valid). */
  readonly maskDtype?: 'int32' | 'bool';
  /** BUCKET_COST.bucketOverhead (0: a bucket per distinct span). */
  readonly bucketOverhead?: number;
  /** FUSION.normFeedForward (false: LayerNorm/FFN/LayerNorm as separate custom ops). */
  readonly fusedNormFeedForward?: boolean;
  readonly training?: boolean;
}

const HOLED_VALID = [
  [0, 1, 5, 3, 2],
  [3, 2, 1, 0, 3],
  [4, 4, 1, 2, 0],
];

const CASES: readonly Case[] = [
  ...POOLING_KINDS.flatMap((pooling): Case[] => [
    { name: `${pooling}, 1 block, mixed lengths, one all-padding row`, args: { pooling } },
    { name: `${pooling}, 2 blocks`, args: { pooling, numBlocks: 2 } },
    ...[false, true].map((unconditioned) => ({
      name: `${pooling}, 2 blocks${unconditioned ? ', unconditioned' : ''}, a bucket per span, masks with holes`,
      args: { pooling, numBlocks: 2, unconditioned },
      batch: 5,
      lengths: [5, 3, 4],
      valid: HOLED_VALID,
      holes: [[2 * 5 + 2], [], [0 * 4 + 2]],
      bucketOverhead: 0,
    })),
  ]),
  { name: 'unconditioned, mean pooling, 1 block', args: { unconditioned: true, pooling: 'mean' } },
  { name: 'DIN scorer without hidden layers', args: { poolingUnits: [] } },
  { name: 'DIN scorer with two hidden layers, 3 blocks', args: { poolingUnits: [4, 3], numBlocks: 3 } },
  { name: '1 head', args: { numHeads: 1, numBlocks: 2 } },
  { name: '4 heads (head size 1)', args: { numHeads: 4 } },
  { name: 'no position embedding', args: { positionEmbedding: false, maxSequenceLength: undefined } },
  {
    name: 'every sequence all padding',
    valid: [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    batch: 2,
  },
  {
    name: 'one task, one behavior, one sample',
    args: { numTasks: 1, numBehaviors: 1 },
    batch: 1,
    lengths: [4],
  },
  {
    name: 'one task, one behavior, unconditioned',
    args: { numTasks: 1, numBehaviors: 1, unconditioned: true },
    lengths: [5],
  },
  {
    name: 'the gradient-check configuration (2 tasks, 2 behaviors)',
    args: { numBehaviors: 2, feedForwardDim: 3, hypernetworkUnits: 3, maxSequenceLength: 3 },
    batch: 2,
    lengths: [3, 2],
    valid: [
      [0, 2],
      [2, 1],
    ],
  },
  { name: 'LayerNorm/FFN/LayerNorm as separate ops', args: { numBlocks: 2 }, fusedNormFeedForward: false },
  { name: 'int32 masks (2 = valid)', maskDtype: 'int32', lengths: [4, 4, 3] },
  { name: 'bool masks', maskDtype: 'bool', args: { pooling: 'target-attention-dot' } },
  {
    name: 'dropout rates set, inference',
    args: { attentionDropoutRate: 0.3, feedForwardDropoutRate: 0.3, numBlocks: 2 },
  },
  { name: 'training with dropout off', args: { numBlocks: 2 }, training: true },
];

function inputsFor(
  testCase: Case,
  d: number,
  seed: number,
): { inputs: HypernetEncoderInputs; extra: tf.Tensor[] } {
  const made = makeInputs(testCase.batch ?? 3, testCase.lengths ?? [4, 2, 4], d, seed, testCase.valid);
  const masks = made.masks.map((mask, m) => {
    const values = mask.dataSync().slice();
    for (const i of testCase.holes?.[m] ?? []) values[i] = 0;
    if (testCase.maskDtype === 'int32')
      return tf.tensor(
        values.map((v) => 2 * v),
        mask.shape,
        'int32',
      );
    if (testCase.maskDtype === 'bool')
      return tf.tensor(
        Array.from(values, (v) => v !== 0),
        mask.shape,
        'bool',
      );
    return tf.tensor(values, mask.shape);
  });
  return { inputs: { ...made, masks }, extra: [...made.masks] };
}

/**
 * Largest absolute difference of two tensors, divided by the reference's largest magnitude when that
 * is above 1 (weight gradients sum over every position and task; float32 keeps about 7 digits).
 */
function scaledDifference(fast: tf.Tensor, reference: tf.Tensor): number {
  return tf.tidy(() => {
    const difference = tf.max(tf.abs(tf.sub(fast, reference))).dataSync()[0]!;
    const size = tf.max(tf.abs(reference)).dataSync()[0]!;
    return difference / Math.max(1, size);
  });
}

type Forward = (
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  options: HypernetEncoderForwardOptions,
) => tf.Tensor[][];

/** Gradients of a fixed random read-out of every interest, w.r.t. every weight, the sequences and the target. */
function gradientsOf(
  forward: Forward,
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  training: boolean,
) {
  const variables = hypernetEncoderVariables(params);
  const names = Object.keys(variables);
  const { numTasks, numBehaviors, embeddingDim } = params.args;
  const batch = inputs.target.shape[0]!;
  const readOut = tf.randomNormal([numTasks * numBehaviors, batch, embeddingDim], 0, 1, 'float32', 8);
  const loss = (...tensors: tf.Tensor[]) => {
    const sequences = tensors.slice(0, numBehaviors);
    const target = tensors[numBehaviors] ?? inputs.target;
    const out = forward(params, { ...inputs, sequences, target }, { training });
    return tf.sum(tf.mul(tf.stack(out.flat()), readOut)) as tf.Scalar;
  };
  // Mean pooling does not read the target (tfjs cannot differentiate with respect to an unused input).
  const withTarget = params.args.pooling !== 'mean';
  const { value, grads } = tf.valueAndGrads(loss)([
    ...inputs.sequences,
    ...(withTarget ? [inputs.target] : []),
  ]);
  const weights = tf.variableGrads(() => loss(...inputs.sequences, inputs.target));
  tf.dispose([readOut, value, weights.value]);
  const named: Record<string, tf.Tensor> = {};
  for (const name of names) named[name] = weights.grads[variables[name]!.name]!;
  grads.forEach((g, i) => {
    named[i < numBehaviors ? `sequences[${i}]` : 'target'] = g;
  });
  return { grads: named, weightNames: names };
}

describe('hypernetEncoderReferenceForward', () => {
  for (const testCase of CASES) {
    it(`equals the fast forward to 1e-5, outputs and every gradient: ${testCase.name}`, () => {
      const overhead = BUCKET_COST.bucketOverhead;
      const fused = FUSION.normFeedForward;
      BUCKET_COST.bucketOverhead = testCase.bucketOverhead ?? overhead;
      FUSION.normFeedForward = testCase.fusedNormFeedForward ?? fused;
      try {
        const args = tinyArgs(testCase.args);
        const params = createHypernetEncoderParams(args);
        if (!args.unconditioned) randomizeHypernetworkOutput(params);
        const { inputs, extra } = inputsFor(testCase, args.embeddingDim, 7);
        const training = testCase.training ?? false;
        const fast = hypernetEncoderForward(params, inputs, { training });
        const reference = hypernetEncoderReferenceForward(params, inputs, { training });
        expect(reference.length).toBe(args.numTasks);
        for (const row of reference) expect(row.map((u) => u.shape)).toEqual(fast[0]!.map((u) => u.shape));
        expect(maxDifference(fast, reference)).toBeLessThan(1e-5);
        const fastGrads = gradientsOf(hypernetEncoderForward, params, inputs, training);
        const referenceGrads = gradientsOf(hypernetEncoderReferenceForward, params, inputs, training);
        expect(Object.keys(referenceGrads.grads).sort()).toEqual(Object.keys(fastGrads.grads).sort());
        expect(Object.keys(fastGrads.grads)).toEqual(expect.arrayContaining(fastGrads.weightNames));
        const differences = Object.entries(fastGrads.grads).map(
          ([name, g]) => [name, scaledDifference(g, referenceGrads.grads[name]!)] as const,
        );
        expect(differences.filter(([, difference]) => !(difference < 1e-5))).toEqual([]);
        tf.dispose([
          fast,
          reference,
          Object.values(fastGrads.grads),
          Object.values(referenceGrads.grads),
          extra,
        ]);
        disposeInputs(inputs);
        disposeParams(params);
      } finally {
        BUCKET_COST.bucketOverhead = overhead;
        FUSION.normFeedForward = fused;
      }
    });
  }
});
