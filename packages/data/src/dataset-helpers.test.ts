import { DataError, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { concatDatasets } from './concat-datasets.js';
import { createEmptyDataset } from './create-dataset.js';
import { listColumns } from './map-columns.js';
import { sampleMasksFor } from './sample-masks.js';
import { sliceRows, takeRows } from './take-rows.js';
import { tinyDataset, tinySchema } from './testing/index.js';
import type { InMemoryDataset } from './types.js';
import { validateDataset } from './validate-dataset.js';

/** Row `row` of every column, as plain arrays keyed by column path. */
function rowOf(ds: InMemoryDataset, row: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const ref of listColumns(ds))
    out[ref.path] = Array.from(ref.column.subarray(row * ref.width, (row + 1) * ref.width));
  return out;
}

describe('createEmptyDataset', () => {
  it('allocates every column zero-filled, groups aliasing the group field', () => {
    const ds = createEmptyDataset(tinySchema(), 5, { timestamps: true, extras: ['oracle/click'] });
    expect(ds.size).toBe(5);
    expect(ds.sparse.map((c) => c.length)).toEqual([5, 5, 5]);
    expect(ds.sequences.map((s) => [s.items.length, s.sideFields[0]!.length, s.maxLength])).toEqual([
      [20, 20, 4],
      [15, 15, 3],
    ]);
    expect(ds.sampleMasks[0]).toBeUndefined();
    expect(ds.sampleMasks[1]).toBeInstanceOf(Float32Array);
    expect(ds.groups).toBe(ds.sparse[0]);
    expect(ds.timestamps).toBeInstanceOf(Float64Array);
    expect(Object.keys(ds.extras!)).toEqual(['oracle/click']);
    expect(validateDataset(ds)).toBe(ds);
    expect(listColumns(ds).map((ref) => ref.path)).toEqual([
      'sparse/user_id',
      'sparse/item_id',
      'sparse/item_category',
      'sequence/clicks/item',
      'sequence/clicks/side/category',
      'sequence/carts/item',
      'sequence/carts/side/category',
      'extra/oracle/click',
      'dense/price',
      'label/click',
      'label/conversion',
      'mask/conversion',
      'timestamps',
    ]);
  });

  it('rejects bad sizes and duplicate extras', () => {
    expect(() => createEmptyDataset(tinySchema(), -1)).toThrow('createEmptyDataset: size is invalid');
    expect(() => createEmptyDataset(tinySchema(), 2, { extras: ['a', 'a'] })).toThrow(
      'duplicate extra column "a"',
    );
  });
});

describe('sampleMasksFor', () => {
  it('masks a conditional task to the positives of its parent, in place when asked', () => {
    const schema = tinySchema();
    const labels = [Float32Array.from([1, 0, 1, 0]), Float32Array.from([1, 0, 0, 0])];
    const masks = sampleMasksFor(schema, labels);
    expect(masks[0]).toBeUndefined();
    expect(Array.from(masks[1]!)).toEqual([1, 0, 1, 0]);
    const into = [undefined, new Float32Array(4).fill(7)];
    expect(sampleMasksFor(schema, labels, into)[1]).toBe(into[1]);
    expect(Array.from(into[1]!)).toEqual([1, 0, 1, 0]);
    expect(() => sampleMasksFor(schema, [labels[0]!])).toThrow(ShapeError);
  });
});

describe('validateDataset', () => {
  const broken = (change: (ds: InMemoryDataset) => void): InMemoryDataset => {
    const ds = tinyDataset(12);
    change(ds);
    return ds;
  };

  it('accepts a consistent dataset', () => {
    expect(() => validateDataset(tinyDataset(50))).not.toThrow();
  });

  it('rejects ids outside their id space', () => {
    const ds = broken((d) => {
      (d.sparse[2] as Int32Array)[3] = 6;
    });
    expect(() => validateDataset(ds)).toThrow(
      new DataError('id out of range in sparse/item_category', {
        where: { field: 'sparse/item_category', index: 3 },
        expected: 'an integer in [0, 6)',
        found: 6,
      }).message,
    );
  });

  it('rejects labels outside {0, 1}, stale masks and positives outside the sample space', () => {
    expect(() => validateDataset(broken((d) => ((d.labels[0] as Float32Array)[2] = 0.5)))).toThrow(
      'field label/click, index 2: label outside {0, 1} in label/click (expected 0 or 1, found 0.5)',
    );
    const stale = broken((d) => {
      const row = d.labels[0]!.indexOf(0);
      (d.labels[0] as Float32Array)[row] = 1;
    });
    expect(() => validateDataset(stale)).toThrow('mask/conversion differs from label/click');
    const outside = broken((d) => {
      const row = d.labels[0]!.indexOf(0);
      (d.labels[1] as Float32Array)[row] = 1;
    });
    expect(() => validateDataset(outside)).toThrow('label/conversion: positive outside its sample space');
  });

  it('rejects padding after items and side values that disagree with items', () => {
    const afterItem = broken((d) => {
      const items = d.sequences[0]!.items;
      items.fill(0, 0, 4);
      items[0] = 3;
      d.sequences[0]!.sideFields[0]!.fill(0, 0, 4);
      d.sequences[0]!.sideFields[0]![0] = 1;
    });
    expect(() => validateDataset(afterItem)).toThrow('sequence/clicks/item: padding after an item');
    const side = broken((d) => {
      d.sequences[1]!.items.fill(0, 0, 3);
      d.sequences[1]!.sideFields[0]!.fill(0, 0, 3);
      d.sequences[1]!.sideFields[0]![1] = 2;
    });
    expect(() => validateDataset(side)).toThrow(
      'field sequence/carts/side/category, index 0: sequence/carts/side/category: side value must be 0 exactly where the item is padding',
    );
  });

  it('rejects wrong lengths, types, non-finite values and bad groups', () => {
    expect(() => validateDataset({ ...tinyDataset(4), dense: [new Float32Array(3)] })).toThrow(
      'dataset column dense/price has the wrong length (expected 4, found 3)',
    );
    expect(() =>
      validateDataset({ ...tinyDataset(4), labels: [new Float32Array(4), new Int32Array(4) as never] }),
    ).toThrow('dataset column label/conversion has the wrong type (expected Float32Array');
    expect(() => validateDataset(broken((d) => ((d.dense[0] as Float32Array)[1] = Number.NaN)))).toThrow(
      'non-finite value in dense/price',
    );
    expect(() => validateDataset({ ...tinyDataset(4), groups: new Int32Array(4) })).toThrow(
      'groups differ from the group field "user_id"',
    );
    expect(() => validateDataset(broken((d) => (d.timestamps![5] = Number.POSITIVE_INFINITY)))).toThrow(
      'field timestamps, index 5: non-finite value in timestamps',
    );
    expect(() =>
      validateDataset({ ...tinyDataset(4), extras: { 'oracle/click': new Float32Array(2) } }),
    ).toThrow('dataset column extra/oracle/click has the wrong length');
    expect(() =>
      validateDataset({ ...tinyDataset(4), sampleMasks: [new Float32Array(4), new Float32Array(4)] }),
    ).toThrow('mask/click: task "click" is defined on all rows and has no mask');
    const shortSequence = tinyDataset(4);
    expect(() =>
      validateDataset({
        ...shortSequence,
        sequences: [{ ...shortSequence.sequences[0]!, maxLength: 5 }, shortSequence.sequences[1]!],
      }),
    ).toThrow('sequence/clicks: maxLength differs from the schema (expected 4, found 5)');
    expect(() => validateDataset(broken((d) => (d.sequences[1]!.items[2] = 20)))).toThrow(
      'id out of range in sequence/carts/item',
    );
    expect(() => validateDataset({ ...tinyDataset(4), sparse: [] })).toThrow(
      'dataset has the wrong number of sparse columns (expected 3 (from the schema), found 0)',
    );
  });
});

describe('takeRows, sliceRows, concatDatasets', () => {
  it('takeRows gathers every column in the given order', () => {
    const ds = tinyDataset(20);
    const taken = takeRows(ds, [7, 3, 3, 19]);
    expect(taken.size).toBe(4);
    expect(rowOf(taken, 0)).toEqual(rowOf(ds, 7));
    expect(rowOf(taken, 1)).toEqual(rowOf(ds, 3));
    expect(rowOf(taken, 2)).toEqual(rowOf(ds, 3));
    expect(rowOf(taken, 3)).toEqual(rowOf(ds, 19));
    expect(taken.groups).toBe(taken.sparse[0]);
    expect(taken.sparse[0]!.buffer).not.toBe(ds.sparse[0]!.buffer);
    validateDataset(taken);
    expect(() => takeRows(ds, [0, 20])).toThrow('takeRows: row index out of range');
  });

  it('sliceRows returns views sharing memory', () => {
    const ds = tinyDataset(20);
    const slice = sliceRows(ds, 5, 9);
    expect(slice.size).toBe(4);
    expect(rowOf(slice, 0)).toEqual(rowOf(ds, 5));
    expect(slice.sequences[0]!.items.buffer).toBe(ds.sequences[0]!.items.buffer);
    expect(slice.sequences[0]!.items.length).toBe(16);
    expect(() => sliceRows(ds, 9, 5)).toThrow('sliceRows: invalid row range');
  });

  it('concatDatasets joins parts and round-trips a split', () => {
    const ds = tinyDataset(30);
    const joined = concatDatasets([sliceRows(ds, 0, 10), sliceRows(ds, 10, 11), sliceRows(ds, 11, 30)]);
    expect(listColumns(joined).map((ref) => Array.from(ref.column))).toEqual(
      listColumns(ds).map((ref) => Array.from(ref.column)),
    );
    validateDataset(joined);
    expect(() => concatDatasets([])).toThrow('concatDatasets: no datasets given');
    const { timestamps: _dropped, ...withoutTimes } = tinyDataset(3);
    expect(() => concatDatasets([ds, withoutTimes])).toThrow(
      'dataset 1 has different columns than dataset 0',
    );
  });
});
