/** Expert utilisation: how much weight each gate gives each expert, averaged over the batch. */
import { ShapeError } from '@dtrn/base';
import { checkRank } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { MtlHeadGate } from './contract.js';

export interface ExpertUtilisation {
  /** The gate's name, e.g. `gate/0`. */
  readonly name: string;
  /** The task the gate feeds, or null for a shared gate. */
  readonly task: number | null;
  /** Mean softmax weight of each expert over the batch (sums to 1). */
  readonly meanWeights: number[];
}

/**
 * Mean gate weight per expert for each gate returned by a head's forward with `returnGates`.
 * Reads the values synchronously; the gate tensors stay the caller's to dispose.
 */
export function expertUtilisation(gates: readonly MtlHeadGate[]): ExpertUtilisation[] {
  return gates.map((gate) => {
    checkRank(gate.weights.shape, 2, `expertUtilisation: gate "${gate.name}"`);
    if (gate.weights.shape[0] === 0) {
      throw new ShapeError(`expertUtilisation: gate "${gate.name}" has an empty batch`, {
        expected: 'at least one row',
        found: `[${gate.weights.shape.join(', ')}]`,
      });
    }
    const means = tf.tidy(() => tf.mean(gate.weights, 0).dataSync()); // [E]
    return { name: gate.name, task: gate.task, meanWeights: Array.from(means) };
  });
}
