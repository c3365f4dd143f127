/**
 * SparseInputs: the embedding side of one training step. It looks ids up in an EmbeddingBank into
 * input tensors, differentiates a loss with respect to those tensors and the dense variables in
 * one backward pass, and turns the input gradients back into row updates for the bank.
 *
 * ```ts
 * const inputs = new SparseInputs(bank);
 * const target = inputs.add('item', batch.sparse[0], [B]);          // [B, d]
 * const clicks = inputs.add('item', batch.sequences[0].items, [B, L]); // [B, L, d]
 * const step = inputs.computeGradients(() => loss(target, clicks), denseVariables);
 * denseOptimizer.applyGradients(step.denseGradients);
 * bank.applyGradients(step.embeddingUpdates);
 * step.dispose();
 * inputs.dispose();
 * ```
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddingBank, EmbeddingUpdate } from './embedding-bank.js';

export interface SparseStepGradients {
  /** The loss value (caller disposes, or calls `dispose()`). */
  readonly value: tf.Scalar;
  /** Gradients of the dense variables by variable name; variables the loss does not use are absent. */
  readonly denseGradients: tf.NamedTensorMap;
  /** Row gradients of every looked-up input the loss uses, as plain arrays (no tensors). */
  readonly embeddingUpdates: EmbeddingUpdate[];
  /** Disposes `value` and `denseGradients`. */
  dispose(): void;
}

interface LookedUp {
  readonly table: string;
  readonly ids: Int32Array;
  readonly tensor: tf.Tensor;
}

export class SparseInputs {
  private readonly entries: LookedUp[] = [];
  private disposed = false;

  constructor(private readonly bank: EmbeddingBank) {}

  /**
   * Looks `ids` up in `table` and returns them as a tensor [...idsShape, d] (default idsShape
   * [ids.length]). The tensor belongs to this object: `dispose()` frees it. `ids` is kept by
   * reference until the gradients are computed; do not change it in between.
   */
  add(table: string, ids: Int32Array, idsShape: readonly number[] = [ids.length]): tf.Tensor {
    this.assertAlive('add');
    const tensor = this.bank.lookupTensor(table, ids, idsShape); // [...idsShape, d]
    this.entries.push({ table, ids, tensor });
    return tensor;
  }

  /** The looked-up tensors, in the order they were added. */
  get tensors(): readonly tf.Tensor[] {
    return this.entries.map((entry) => entry.tensor);
  }

  /**
   * Runs `loss` under a gradient tape and differentiates it with respect to every looked-up input
   * and every variable in `variables`, in one backward pass. Input gradients are read into
   * Float32Arrays and their tensors disposed.
   */
  computeGradients(loss: () => tf.Scalar, variables: readonly tf.Variable[] = []): SparseStepGradients {
    this.assertAlive('computeGradients');
    const xs: tf.Tensor[] = [...this.tensors, ...variables];
    if (xs.length === 0) {
      throw new ConfigError('SparseInputs.computeGradients: nothing to differentiate', {
        expected: 'at least one looked-up input or variable',
        found: 'none',
      });
    }
    const { value, grads } = tf.engine().gradients(loss, xs, undefined, true);
    const embeddingUpdates: EmbeddingUpdate[] = [];
    this.entries.forEach((entry, i) => {
      const gradient = grads[i]; // [...idsShape, d] or undefined when the loss does not use it
      if (!gradient) return;
      embeddingUpdates.push({
        table: entry.table,
        ids: entry.ids,
        gradients: gradient.dataSync() as Float32Array,
      });
      gradient.dispose();
    });
    const denseGradients: tf.NamedTensorMap = {};
    variables.forEach((variable, i) => {
      const gradient = grads[this.entries.length + i];
      if (gradient) denseGradients[variable.name] = gradient;
    });
    return {
      value: value as tf.Scalar,
      denseGradients,
      embeddingUpdates,
      dispose: () => {
        value.dispose();
        tf.dispose(Object.values(denseGradients));
      },
    };
  }

  /** Frees the looked-up tensors. Further calls throw. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.tensors as tf.Tensor[]);
    this.entries.length = 0;
  }

  private assertAlive(method: string): void {
    if (this.disposed) {
      throw new ConfigError(`SparseInputs.${method}: this SparseInputs was disposed`, {
        expected: 'a live SparseInputs (create one per step)',
        found: 'disposed',
      });
    }
  }
}
