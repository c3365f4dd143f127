/** Entire-space tasks and auxiliary loss terms (ESMM, AITM), on the trainer's tiny model. */
import type { ForwardOptions, PreparedBatch, TrainingOutputs } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { lossBatch } from './loss-space.js';
import { tinySetup } from './testing/setup.js';
import type { TinyMultiTaskModel } from './testing/tiny-model.js';

/** The tiny model with conversion on the entire space and an extra term on conversion. */
function withTrainingOutputs(model: TinyMultiTaskModel, extraWeight: number) {
  const forwardForLoss = (prepared: PreparedBatch, options: ForwardOptions): TrainingOutputs => {
    const logits = model.forward(prepared, options);
    const extra = tf.tidy(() => tf.mul(tf.mean(tf.sigmoid(logits[1]!)), extraWeight) as tf.Scalar); // []
    return { logits, auxiliaryLosses: [null, extra] };
  };
  return Object.assign(model, { entireSpaceTasks: [false, true], forwardForLoss });
}

/** sigmoid(forward) per task, as numbers. */
function probabilities(model: TinyMultiTaskModel, batch: Batch): Float32Array[] {
  const prepared = model.prepare(batch);
  const logits = model.forward(prepared, { training: false });
  const values = logits.map((logit) => tf.tidy(() => tf.sigmoid(logit).dataSync() as Float32Array));
  tf.dispose(logits);
  prepared.dispose();
  return values;
}

function bce(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i]!;
    sum -= labels[i]! * Math.log(p) + (1 - labels[i]!) * Math.log(1 - p);
  }
  return sum / labels.length;
}

describe('entire-space tasks and auxiliary losses', () => {
  it('lossBatch labels an entire-space task "parent and task positive" on every row', () => {
    const batch = {
      size: 4,
      labels: [Float32Array.from([1, 0, 1, 0]), Float32Array.from([1, 1, 0, 0])],
      sampleMasks: [undefined, Float32Array.from([1, 0, 1, 0])],
    } as unknown as Batch;
    const view = lossBatch(batch, [false, true]);
    expect(Array.from(view.labels[1]!)).toEqual([1, 0, 0, 0]);
    expect(view.sampleMasks).toEqual([undefined, undefined]);
    expect(view.labels[0]).toBe(batch.labels[0]);
    expect(lossBatch(batch, [false, false])).toBe(batch);
    expect(lossBatch(batch, undefined)).toBe(batch);
    expect(Array.from(batch.labels[1]!)).toEqual([1, 1, 0, 0]); // the batch itself is untouched
  });

  it('reports the entire-space loss of a task and adds the auxiliary term to the objective', async () => {
    const { model, train, validation } = tinySetup({ trainSize: 64 });
    const wrapped = withTrainingOutputs(model, 0);
    const before = probabilities(model, train);
    const result = await fit(wrapped, train, validation, {
      epochs: 1,
      batchSize: 64,
      optimizer: { learningRate: 0.01 },
    });
    // One step: the epoch's loss is the loss before the update, over all 64 rows with y_click y_conv.
    const entire = train.labels[1]!.map((label, row) => label * train.sampleMasks[1]![row]!);
    expect(result.history[0]!.trainLossPerTask[1]).toBeCloseTo(bce(before[1]!, entire), 4);
    model.dispose();
  });

  it.each(['equal', 'pcgrad'] as const)(
    'follows the auxiliary term (%s balancing) without leaking',
    async (method) => {
      const meanConversion = async (extraWeight: number) => {
        const { model, train, validation } = tinySetup();
        await expectNoLeakedTensors(() =>
          fit(withTrainingOutputs(model, extraWeight), train, validation, {
            epochs: 3,
            batchSize: 16,
            balancing: { method },
            optimizer: { learningRate: 0.02 },
            earlyStopping: false, // keep the last epoch's weights
          }),
        );
        const predicted = probabilities(model, validation)[1]!;
        model.dispose();
        return predicted.reduce((sum, p) => sum + p, 0) / predicted.length;
      };
      // A term rewarding a high mean p_conversion, against its BCE's pull down to the base rate.
      const plain = await meanConversion(0);
      expect(await meanConversion(-5)).toBeGreaterThan(plain + 0.2);
    },
  );
});
