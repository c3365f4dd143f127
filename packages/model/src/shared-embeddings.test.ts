/**
 * The data-parallel hooks: `prepared.rowUpdates` returns what `applySparseGradients` applies, and
 * models sharing one set of embedding rows (`shareEmbeddings` / `useSharedEmbeddings`) that each
 * apply one shard of those updates (`applyRowUpdates`) end where one model applying all of them
 * ends, bit for bit.
 */
import { ConfigError } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { type Batch, sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ModelPresetName } from './presets.js';
import type { RecommenderModel } from './recommender-model.js';
import { batchLoss, tinyData, tinyModel } from './testing/tiny.js';

const data = tinyData(3, 40);
const batch: Batch = sliceRows(data, 0, 24);

/** Gradients of the batch loss with respect to the sparse inputs of `model.prepare(batch)`. */
function sparseGradients(model: RecommenderModel, seed: number): tf.Tensor[] {
  const prepared = model.prepare(batch, { training: true, seed });
  try {
    const { value, grads } = tf
      .engine()
      .gradients(
        () => batchLoss(model.forward(prepared, { training: true, seed }), batch),
        [...prepared.sparseInputs],
        undefined,
        true,
      );
    value.dispose();
    return prepared.sparseInputs.map((input, i) => grads[i] ?? tf.zerosLike(input));
  } finally {
    prepared.dispose();
  }
}

function sparseState(model: RecommenderModel): unknown {
  return model.getState().sparse;
}

/** The embedding arrays of every bank (rows, slots, bitset), without the per-bank step count. */
function sparseArrays(model: RecommenderModel): unknown {
  const sparse = model.getState().sparse as { arrays?: unknown; tasks?: { arrays: unknown }[] };
  return sparse.tasks ? sparse.tasks.map((task) => task.arrays) : sparse.arrays;
}

describe.each<ModelPresetName>(['mmoe', 'single-task', 'stem-mmoe'])('%s: shared embeddings', (name) => {
  it('two models over one set of rows, one shard each, equal one model applying every update', async () => {
    await expectNoLeakedTensors(() => {
      const reference = tinyModel(name, data);
      const owner = tinyModel(name, data);
      const adopter = tinyModel(name, data);
      try {
        adopter.useSharedEmbeddings!(structuredClone(owner.shareEmbeddings!()));
        for (let step = 0; step < 2; step++) {
          const gradients = sparseGradients(reference, step); // the same gradients for every model
          const preparedReference = reference.prepare(batch, { training: true });
          const preparedOwner = owner.prepare(batch, { training: true });
          const preparedAdopter = adopter.prepare(batch, { training: true });
          try {
            const updates = preparedOwner.rowUpdates!(gradients);
            expect(updates.length).toBeGreaterThan(0);
            // The adopter's prepared batch reads the shared rows: the same updates.
            expect(preparedAdopter.rowUpdates!(gradients)).toEqual(updates);
            preparedReference.applySparseGradients(gradients);
            owner.applyRowUpdates!(updates, { shard: { index: 0, count: 2 } });
            adopter.applyRowUpdates!(updates, { shard: { index: 1, count: 2 } });
          } finally {
            tf.dispose(gradients);
            for (const prepared of [preparedReference, preparedOwner, preparedAdopter]) prepared.dispose();
          }
        }
        expect(sparseState(owner)).toEqual(sparseState(reference));
        expect(sparseState(adopter)).toEqual(sparseState(reference));
        expect(owner.predict(batch)).toEqual(reference.predict(batch));
      } finally {
        for (const model of [reference, owner, adopter]) model.dispose();
      }
    });
  });

  it('setState on one model writes into the rows every sharing model reads', () => {
    const source = tinyModel(name, data);
    const owner = tinyModel(name, data);
    const adopter = tinyModel(name, data);
    try {
      adopter.useSharedEmbeddings!(owner.shareEmbeddings!());
      const gradients = sparseGradients(source, 5);
      const prepared = source.prepare(batch, { training: true });
      prepared.applySparseGradients(gradients); // the source's rows move away from the initial ones
      prepared.dispose();
      tf.dispose(gradients);
      expect(sparseArrays(adopter)).not.toEqual(sparseArrays(source));
      owner.setState(source.getState());
      // The step count (bias correction) is per model: each thread restores its own.
      expect(sparseArrays(adopter)).toEqual(sparseArrays(source));
    } finally {
      for (const model of [source, owner, adopter]) model.dispose();
    }
  });
});

describe('shared embedding hooks: validation', () => {
  it('rejects a handle of other tables, a missing handle and updates of unknown tables', () => {
    const model = tinyModel('mmoe', data);
    const wider = tinyModel('mmoe', data, { embeddingDim: 12 });
    const single = tinyModel('single-task', data);
    try {
      expect(() => model.useSharedEmbeddings!(wider.shareEmbeddings!())).toThrow(ConfigError);
      expect(() => model.useSharedEmbeddings!(wider.shareEmbeddings!())).toThrow(
        /another configuration|differs/,
      );
      expect(() => model.useSharedEmbeddings!(null)).toThrow(/does not fit/);
      expect(() => single.useSharedEmbeddings!(model.shareEmbeddings!())).toThrow(
        /SingleTaskModels.useSharedEmbeddings: the handle does not fit/,
      );
      const update = { table: 'nowhere/item', ids: Int32Array.of(1), gradients: new Float32Array(10) };
      expect(() => single.applyRowUpdates!([update])).toThrow(/names no task's table/);
      expect(() => model.applyRowUpdates!([{ ...update, table: 'nowhere' }])).toThrow(/unknown table/);
    } finally {
      for (const m of [model, wider, single]) m.dispose();
    }
  });
});
