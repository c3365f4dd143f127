/**
 * Packing the kept positions of M behaviors' sequences into one [T, d] tensor (see compaction.ts),
 * as one op: forward one row gather from the behaviors stacked along the rows (plus a zero row for
 * padding), backward one gather per behavior from the incoming gradient by its inverse index. No
 * split of a stacked gradient (on wasm every slice of a tensor first copies all of it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CompactionPlan } from './compaction.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** x [R, d] with a zero row appended: [R + 1, d]. */
function withZeroRow(x: tf.Tensor): tf.Tensor {
  return tf.concat([x, tf.zeros([1, x.shape[1]!])], 0); // [R + 1, d]
}

/** The op for M behaviors: inputs seq_0..seq_{M-1} [B, L_m, d], index [T, 1], inverse_0..inverse_{M-1} [B*L_m, 1]. */
function packOp(behaviors: number) {
  const op = (...args: unknown[]) => {
    const sequences = args.slice(0, behaviors) as tf.Tensor[];
    const index = args[behaviors] as tf.Tensor;
    const inverses = args.slice(behaviors + 1, 2 * behaviors + 1) as tf.Tensor[];
    const save = args[2 * behaviors + 1] as tf.GradSaveFunc;
    save(inverses);
    const d = sequences[0]!.shape[2]!;
    const shapes = sequences.map((s) => s.shape);
    const intShapes = [index.shape, ...inverses.map((t) => t.shape)];
    const rows = tf.concat([...sequences.map((s) => tf.reshape(s, [-1, d])), tf.zeros([1, d])], 0); // [sum_m B*L_m + 1, d]
    return {
      value: tf.gatherND(rows, index), // [T, d]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const padded = withZeroRow(dy); // [T + 1, d]
          const dSequences = saved.map((inverse, m) => tf.reshape(tf.gatherND(padded, inverse), shapes[m]!)); // M x [B, L_m, d]
          return [...dSequences, ...intShapes.map((shape) => tf.zeros(shape, 'int32'))];
        }),
    };
  };
  return tf.customGrad(op as unknown as CustomGradInput) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}

/**
 * The positions the plan keeps, packed: sequences M x [B, L_m, d] -> [T, d] (bucket-major, padding
 * as zero rows). Differentiable with respect to the sequences.
 */
export function packSequences(sequences: readonly tf.Tensor[], plan: CompactionPlan): tf.Tensor {
  return tf.tidy(() => {
    const behaviors = sequences.length;
    const index = tf.tensor2d(plan.rowIndex, [plan.numPositions, 1], 'int32'); // [T, 1]
    const inverses: tf.Tensor[] = [];
    let offset = 0;
    for (const sequence of sequences) {
      const rows = sequence.shape[0]! * sequence.shape[1]!;
      const inverse = new Int32Array(rows).fill(plan.numPositions);
      plan.rowIndex.forEach((row, position) => {
        if (row >= offset && row < offset + rows) inverse[row - offset] = position;
      });
      inverses.push(tf.tensor2d(inverse, [rows, 1], 'int32')); // [B*L_m, 1]
      offset += rows;
    }
    return packOp(behaviors)(...sequences, index, ...inverses); // [T, d]
  });
}
