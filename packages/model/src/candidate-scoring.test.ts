/** scoreCandidates: same probabilities as predict, the factored path where it applies, clear errors. */
import { isConfigError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { type Batch, sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ModelPresetName } from './presets.js';
import { tinyData, tinyModel } from './testing/tiny.js';

const data = tinyData(11, 300);
const C = 12;
const targetIndices = ['target_item', 'target_category', 'target_brand', 'target_price', 'target_age'].map(
  (name) => data.schema.sparseFields.findIndex((f) => f.name === name),
);

/** Row 40's context with the targets of rows 40..40+C-1 as the candidates. */
function candidateBatch(): Batch {
  const rows = sliceRows(data, 40, 40 + C);
  const repeat = <T extends Int32Array | Float32Array>(column: T, width: number): T => {
    const out = new (column.constructor as new (n: number) => T)(C * width);
    for (let i = 0; i < C; i++) out.set(column.subarray(0, width), i * width);
    return out;
  };
  return {
    size: C,
    sparse: rows.sparse.map((column, index) =>
      targetIndices.includes(index) ? column.slice() : repeat(column, 1),
    ),
    dense: rows.dense.map((column) => repeat(column, 1)),
    sequences: rows.sequences.map((s) => ({
      items: repeat(s.items, s.maxLength),
      sideFields: s.sideFields.map((column) => repeat(column, s.maxLength)),
      maxLength: s.maxLength,
    })),
    labels: rows.labels.map((column) => column.slice()),
    sampleMasks: rows.sampleMasks.map((column) => column?.slice()),
  };
}

function expectClose(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((values, k) => {
    values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[k]![i]!, 5);
    });
  });
}

/** Whether a call ran a matrix product whose left operand is one row (the factored path). */
async function usesOneRowProduct(f: () => unknown): Promise<boolean> {
  const info = await tf.profile(f as () => tf.TensorContainer);
  return info.kernels.some((k) => k.name === 'BatchMatMul' && k.inputShapes[0]?.at(-2) === 1);
}

describe('scoreCandidates', () => {
  const meanPool = { sequenceEncoder: 'mean-pool' } as const;
  for (const preset of ['shared-bottom', 'mmoe', 'ple'] as const) {
    it(`${preset} with mean-pool sequences: factored, equal to predict`, async () => {
      const model = tinyModel(preset, data, meanPool);
      const batch = candidateBatch();
      expectClose(model.scoreCandidates(batch), model.predict(batch));
      expect(await usesOneRowProduct(() => model.scoreCandidates(batch))).toBe(true);
      expect(await usesOneRowProduct(() => model.predict(batch))).toBe(false);
      model.dispose();
    });
  }

  for (const preset of ['dtrn-ple', 'mmoe', 'single-task'] as ModelPresetName[]) {
    it(`${preset} (target-dependent bottom or per-task models): equal to predict`, () => {
      const model = tinyModel(preset, data);
      const batch = candidateBatch();
      expectClose(model.scoreCandidates(batch), model.predict(batch));
      model.dispose();
    });
  }

  it('names the first column and row where the context differs', () => {
    const model = tinyModel('mmoe', data, meanPool);
    const batch = candidateBatch();
    const city = data.schema.sparseFields.findIndex((f) => f.name === 'user_city');
    const sparse = batch.sparse.map((column, index) => {
      if (index !== city) return column;
      const changed = column.slice();
      changed[5] = changed[0]! === 1 ? 2 : 1;
      return changed;
    });
    const items = batch.sequences[1]!.items.slice();
    items[3 * 8 + 7] = items[7] === 1 ? 2 : 1;
    const sequences = batch.sequences.map((s, m) => (m === 1 ? { ...s, items } : s));
    const messageOf = (b: Batch) => {
      try {
        model.scoreCandidates(b);
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(messageOf({ ...batch, sparse })).toContain(`sparse[${city}] equal to row 0's on every row`);
    expect(messageOf({ ...batch, sparse })).toContain('row 5');
    expect(messageOf({ ...batch, sequences })).toContain('sequences[1].items (cart)');
    expect(messageOf({ ...batch, sequences })).toContain('row 3');
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = tinyModel('ple', data, meanPool);
    const batch = candidateBatch();
    await expectNoLeakedTensors(() => {
      model.scoreCandidates(batch);
    });
    model.dispose();
  });
});
