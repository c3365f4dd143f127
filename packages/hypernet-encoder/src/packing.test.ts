import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BUCKET_COST, planCompaction } from './compaction.js';
import { packSequences, takeRows } from './packing.js';

function maskValues(valid: readonly number[], length: number): Float32Array {
  const values = new Float32Array(valid.length * length);
  valid.forEach((count, b) => {
    for (let l = length - count; l < length; l++) values[b * length + l] = 1;
  });
  return values;
}

describe('packing of compacted positions', () => {
  it('packSequences picks the planned rows (zeros for padding) and scatters the gradient back', () => {
    const overhead = BUCKET_COST.bucketOverhead;
    BUCKET_COST.bucketOverhead = 0; // several buckets
    try {
      const masks = [maskValues([2, 0, 4], 4), maskValues([1, 3, 3], 3)];
      const plan = planCompaction(masks, [4, 3], 3);
      const sequences = [
        tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1),
        tf.randomNormal([3, 3, 2], 0, 1, 'float32', 2),
      ];
      const table = [...sequences[0]!.dataSync(), ...sequences[1]!.dataSync(), 0, 0]; // stacked rows + zero row
      const packed = packSequences(sequences, plan);
      expect(packed.shape).toEqual([plan.numPositions, 2]);
      const expected = Array.from(plan.rowIndex).flatMap((row) => [table[2 * row]!, table[2 * row + 1]!]);
      expect(Array.from(packed.dataSync())).toEqual(expected);
      const readOut = tf.randomNormal([plan.numPositions, 2], 0, 1, 'float32', 3);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(packSequences([a, b], plan), readOut)),
      )(sequences);
      const weights = readOut.dataSync();
      const scattered = new Float32Array(table.length);
      plan.rowIndex.forEach((row, position) => {
        scattered[2 * row] = scattered[2 * row]! + weights[2 * position]!;
        scattered[2 * row + 1] = scattered[2 * row + 1]! + weights[2 * position + 1]!;
      });
      expect(Array.from(grads[0]!.dataSync())).toEqual(Array.from(scattered.slice(0, 24)));
      expect(Array.from(grads[1]!.dataSync())).toEqual(Array.from(scattered.slice(24, 42)));
      tf.dispose([sequences, packed, readOut, grads]);
    } finally {
      BUCKET_COST.bucketOverhead = overhead;
    }
  });

  it('takeRows equals a slice, with the gradient padded to the whole input', () => {
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const part = takeRows(x, 2, 3);
    expect(Array.from(part.dataSync())).toEqual(Array.from(tf.slice(x, [2, 0], [3, 3]).dataSync()));
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(takeRows(t, 2, 3), 2)))([x]);
    expect(Array.from(g!.dataSync())).toEqual([
      ...new Array(6).fill(0),
      ...new Array(9).fill(2),
      ...new Array(3).fill(0),
    ]);
    tf.dispose([x, part, g]);
  });

  it('leak no tensors', async () => {
    const plan = planCompaction([maskValues([2, 1], 3)], [3], 2);
    const sequence = tf.randomNormal([2, 3, 2]);
    await expectNoLeakedTensors(() => {
      tf.dispose(tf.grads((s: tf.Tensor) => tf.sum(takeRows(packSequences([s], plan), 1, 2)))([sequence]));
    });
    sequence.dispose();
  });
});
