/** prepare(): gathered rows, masks, sparse gradients into the bank, misuse errors. */
import { isConfigError, isShapeError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { DtrnModel } from './dtrn-model.js';
import { tinyData, tinyModel } from './testing/tiny.js';

const data = tinyData(5, 200);
const batch = sliceRows(data, 10, 14);
const B = 4;
const L = 8;
const d = 10;

function tableRows(model: DtrnModel, name: string): { values: Float32Array; dim: number } {
  const table = model.embeddingTables().find((t) => t.name === name)!;
  return { values: table.read(), dim: table.dim };
}

describe('prepare', () => {
  it('gathers the target as [item | category | brand | price | age] sub-embeddings', () => {
    const model = tinyModel('dtrn-ple', data) as DtrnModel;
    const prepared = model.prepare(batch, { training: false });
    expect(prepared.sparseInputs.map((t) => t.shape)).toEqual([
      [B, 6, d],
      [B, d],
      [B, L, d],
      [B, L, d],
      [B, L, d],
    ]);
    const target = prepared.sparseInputs[1]!.arraySync() as number[][];
    const names = ['item', 'category', 'brand', 'price', 'age'];
    const columns = ['target_item', 'target_category', 'target_brand', 'target_price', 'target_age'];
    for (let b = 0; b < B; b++) {
      const expected = names.flatMap((table, p) => {
        const id = batch.sparse[data.schema.sparseFields.findIndex((f) => f.name === columns[p])]![b]!;
        const { values, dim } = tableRows(model, table);
        return Array.from(values.subarray(id * dim, id * dim + dim));
      });
      expect(target[b]!.map((v) => Math.fround(v))).toEqual(expected.map((v) => Math.fround(v)));
    }
    const clicks = prepared.sparseInputs[2]!.arraySync() as number[][][];
    const items = batch.sequences[0]!.items;
    const item = tableRows(model, 'item');
    for (let b = 0; b < B; b++) {
      for (let l = 0; l < L; l++) {
        const id = items[b * L + l]!;
        expect(clicks[b]![l]!.slice(0, 2)).toEqual(Array.from(item.values.subarray(id * 2, id * 2 + 2)));
        if (id === 0) expect(clicks[b]![l]!.every((v) => v === 0)).toBe(true);
      }
    }
    prepared.dispose();
    model.dispose();
  });

  it('builds masks from non-padding items', () => {
    const model = tinyModel('mmoe', data) as DtrnModel;
    const prepared = model.prepare(batch, { training: false }) as ReturnType<DtrnModel['prepare']> & {
      inputs: { masks: tf.Tensor[] };
    };
    const mask = prepared.inputs.masks[1]!.dataSync();
    const items = batch.sequences[1]!.items;
    expect(Array.from(mask)).toEqual(Array.from(items, (id) => (id === 0 ? 0 : 1)));
    prepared.dispose();
    model.dispose();
  });

  it('applies sparse gradients to the touched rows only, once per batch', () => {
    const model = tinyModel('shared-bottom', data) as DtrnModel;
    const before = tableRows(model, 'user_city').values;
    const prepared = model.prepare(batch, { training: true });
    const gradients = prepared.sparseInputs.map((t) => tf.onesLike(t));
    prepared.applySparseGradients(gradients);
    const after = tableRows(model, 'user_city').values;
    const cityColumn = batch.sparse[data.schema.sparseFields.findIndex((f) => f.name === 'user_city')]!;
    const touched = new Set(cityColumn);
    for (let row = 0; row < 31; row++) {
      const moved = after[row * d] !== before[row * d];
      expect(moved, `row ${row}`).toBe(touched.has(row) && row !== 0);
    }
    expect(() => prepared.applySparseGradients(gradients)).toThrow('already called');
    tf.dispose(gradients);
    prepared.dispose();
    model.dispose();
  });

  it('rejects wrong gradients, short columns and foreign prepared batches', () => {
    const model = tinyModel('shared-bottom', data);
    const other = tinyModel('shared-bottom', data);
    const prepared = model.prepare(batch, { training: true });
    const wrong = tf.zeros([B, 3]);
    try {
      tf.dispose(model.forward(prepared, { training: false }));
      expect(() => prepared.applySparseGradients([wrong])).toThrow(/wrong number of gradients/);
      const shapes = prepared.sparseInputs.map((t, i) => (i === 0 ? wrong : tf.zerosLike(t)));
      try {
        prepared.applySparseGradients(shapes);
        throw new Error('expected a ShapeError');
      } catch (error) {
        expect(isShapeError(error)).toBe(true);
      }
      tf.dispose(shapes.slice(1));
      try {
        other.forward(prepared, { training: false });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        expect((error as Error).message).toContain('not made by this model');
      }
      const short = { ...batch, sparse: batch.sparse.map((c, i) => (i === 3 ? c.subarray(0, 2) : c)) };
      expect(() => model.prepare(short, { training: false })).toThrow(
        /sparse\[3\] \(user_city\) has the wrong length/,
      );
    } finally {
      wrong.dispose();
      prepared.dispose();
      model.dispose();
      other.dispose();
    }
  });

  it('leaks no tensors on a training step round trip', async () => {
    const model = tinyModel('dtrn-ple-no-trm', data);
    await expectNoLeakedTensors(() => {
      const prepared = model.prepare(batch, { training: true, seed: 1 });
      const grads = prepared.sparseInputs.map((t) => tf.zerosLike(t));
      prepared.applySparseGradients(grads);
      tf.dispose(grads);
      prepared.dispose();
      prepared.dispose();
    });
    model.dispose();
  });
});
