/**
 * The sparse path (EmbeddingBank + SparseInputs + lazy optimizer) against a dense reference: a
 * plain tf.Variable table, looked up with a one-hot matMul (tf.gather's gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks), trained by tf.train.adam / tf.train.adagrad
 * through tf.variableGrads. Every batch touches every non-padding row, so lazy and dense
 * optimizers take the same steps.
 */
import { createRng } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import type { SparseOptimizerArgs } from './config.js';
import { EmbeddingBank } from './embedding-bank.js';
import { SparseInputs } from './sparse-inputs.js';

const ROWS = 7; // row 0 padding, rows 1..6 real
const DIM = 3;
const BATCH = 4;
const LENGTH = 3;
const STEPS = 5;

interface StepBatch {
  readonly target: Int32Array; // [B]
  readonly sequence: Int32Array; // [B * L]
  readonly labels: tf.Tensor; // [B, 1]
}

/** Batches whose ids cover rows 1..6 every step, with duplicates and padding. */
function makeBatches(seed: number): StepBatch[] {
  const rng = createRng(seed);
  return Array.from({ length: STEPS }, () => {
    const order = rng.permutation(ROWS - 1);
    const sequence = new Int32Array(BATCH * LENGTH);
    for (let i = 0; i < sequence.length; i++) {
      // The first 6 positions cover every row; then duplicates, and padding at position 0 of each row.
      sequence[i] = i < ROWS - 1 ? order[i]! + 1 : 1 + rng.int(ROWS - 1);
    }
    sequence[LENGTH] = 0;
    sequence[2 * LENGTH] = 0;
    const target = Int32Array.from({ length: BATCH }, () => 1 + rng.int(ROWS - 1));
    const labels = tf.tensor2d(
      Array.from({ length: BATCH }, () => rng.next()),
      [BATCH, 1],
    );
    return { target, sequence, labels };
  });
}

/** Loss over looked-up embeddings: a small nonlinear model that uses every input. */
function lossOf(target: tf.Tensor, sequence: tf.Tensor, kernel: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const pooled = tf.sum(tf.reshape(sequence, [BATCH, LENGTH, DIM]), 1); // [B, d]
  const interaction = tf.concat([tf.mul(target, pooled), tf.tanh(pooled)], 1); // [B, 2d]
  const output = tf.tanh(tf.matMul(interaction, kernel)); // [B, 1]
  return tf.mean(tf.square(tf.sub(output, labels))) as tf.Scalar;
}

/** One-hot [n, ROWS - 1] of ids - 1 (padding id 0 gives a zero row). */
function oneHot(ids: Int32Array): tf.Tensor2D {
  const values = new Float32Array(ids.length * (ROWS - 1));
  ids.forEach((id, i) => {
    if (id > 0) values[i * (ROWS - 1) + id - 1] = 1;
  });
  return tf.tensor2d(values, [ids.length, ROWS - 1]);
}

function denseOptimizer(args: SparseOptimizerArgs): tf.Optimizer {
  if (args.kind === 'adam') return tf.train.adam(args.learningRate, args.beta1, args.beta2, args.epsilon);
  return tf.train.adagrad(args.learningRate!, args.initialAccumulator);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const CASES: { label: string; optimizer: SparseOptimizerArgs; l2: number }[] = [
  { label: 'Adam', optimizer: { kind: 'adam', learningRate: 0.02, beta1: 0.9, beta2: 0.99 }, l2: 0 },
  { label: 'Adam with L2', optimizer: { kind: 'adam', learningRate: 0.02 }, l2: 0.05 },
  {
    label: 'Adagrad with L2',
    optimizer: { kind: 'adagrad', learningRate: 0.1, initialAccumulator: 0.1 },
    l2: 0.02,
  },
];

describe('EmbeddingBank against a dense tfjs reference', () => {
  for (const { label, optimizer, l2 } of CASES) {
    it(`${label}: equal rows and dense weights (1e-5) over ${STEPS} steps`, () => {
      const batches = makeBatches(3);
      const bank = new EmbeddingBank({
        tables: [{ name: 'item', rows: ROWS, dim: DIM }],
        optimizer,
        l2,
        seed: 11,
        initializer: { kind: 'uniform', scale: 0.5 },
      });
      const initialRows = bank.getWeights('item'); // [ROWS * d]
      const kernelInit = tf.randomUniform([2 * DIM, 1], -0.5, 0.5, 'float32', 5);
      const sparseKernel = tf.variable(kernelInit, true, `sparse-kernel-${label}`);
      const denseKernel = tf.variable(kernelInit, true, `dense-kernel-${label}`);
      const denseTable = tf.variable(tf.tensor2d(initialRows.slice(DIM), [ROWS - 1, DIM]), true); // rows 1..6
      const sparseOptimizer = denseOptimizer(optimizer);
      const referenceOptimizer = denseOptimizer(optimizer);

      for (const batch of batches) {
        // Sparse path: lookups -> one backward pass -> lazy row updates + tfjs optimizer for dense.
        {
          const inputs = new SparseInputs(bank);
          const target = inputs.add('item', batch.target, [BATCH]); // [B, d]
          const sequence = inputs.add('item', batch.sequence, [BATCH, LENGTH]); // [B, L, d]
          const step = inputs.computeGradients(
            () => lossOf(target, sequence, sparseKernel, batch.labels),
            [sparseKernel],
          );
          expect(step.embeddingUpdates).toHaveLength(2);
          sparseOptimizer.applyGradients(step.denseGradients);
          const result = bank.applyGradients(step.embeddingUpdates);
          expect(result.touchedRows).toEqual({ item: ROWS - 1 });
          step.dispose();
          inputs.dispose();
        }
        // Dense reference.
        tf.tidy(() => {
          const targetHot = oneHot(batch.target); // [B, V-1]
          const sequenceHot = oneHot(batch.sequence); // [B*L, V-1]
          const { grads } = tf.variableGrads(() => {
            const loss = lossOf(
              tf.matMul(targetHot, denseTable), // [B, d]
              tf.matMul(sequenceHot, denseTable), // [B*L, d]
              denseKernel,
              batch.labels,
            );
            return l2 > 0 ? tf.add(loss, tf.mul(l2, tf.sum(tf.square(denseTable)))) : loss;
          }, [denseTable, denseKernel]);
          referenceOptimizer.applyGradients(grads);
        });
      }

      const sparseRows = bank.getWeights('item');
      expect(Array.from(sparseRows.subarray(0, DIM))).toEqual([0, 0, 0]); // padding untouched
      const referenceRows = denseTable.dataSync() as Float32Array;
      const moved = maxDifference(sparseRows.subarray(DIM), initialRows.subarray(DIM));
      expect(moved).toBeGreaterThan(0.01); // the rows really trained
      expect(maxDifference(sparseRows.subarray(DIM), referenceRows)).toBeLessThan(1e-5);
      expect(
        maxDifference(sparseKernel.dataSync() as Float32Array, denseKernel.dataSync() as Float32Array),
      ).toBeLessThan(1e-5);
      expect(bank.step).toBe(STEPS);

      tf.dispose([kernelInit, sparseKernel, denseKernel, denseTable, ...batches.map((b) => b.labels)]);
      sparseOptimizer.dispose();
      referenceOptimizer.dispose();
    });
  }
});
