import { isConfigError } from '@dtrn/base';
import { validateDataset } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { findLeakyFeatures } from '../leakage/find-leaky-features.js';
import { hashDataset, sparseColumn, tiny } from '../testing/synthetic.js';
import { resolveMultiBehaviorArgs } from './multi-behavior-args.js';
import { generateMultiBehaviorData } from './multi-behavior-generator.js';
import { syntheticPreset } from './presets.js';

describe('generateMultiBehaviorData: determinism', () => {
  it('gives byte-identical output for equal seeds and different output for different seeds', () => {
    const args = syntheticPreset('full-conflict', 'tiny', { numSamples: 1500, seed: 11 });
    const first = hashDataset(generateMultiBehaviorData(args));
    expect(hashDataset(generateMultiBehaviorData(args))).toBe(first);
    expect(hashDataset(generateMultiBehaviorData({ ...args, seed: 12 }))).not.toBe(first);
  });
});

describe('generateMultiBehaviorData: layout', () => {
  const dataset = tiny('full-conflict');
  const { schema, size } = dataset;

  it('passes the data contract validation (schema, columns, ids, masks, groups)', () => {
    expect(validateDataset(dataset)).toBe(dataset);
    const independent = generateMultiBehaviorData(
      syntheticPreset('control', 'tiny', { taskMode: 'independent', numSamples: 500 }),
    );
    expect(validateDataset(independent)).toBe(independent);
  });

  it('has no feature that determines a label (leakage check)', () => {
    const report = findLeakyFeatures(dataset);
    expect(report.findings.length).toBe(schema.sparseFields.length * schema.tasks.length);
    expect(report.leaky).toEqual([]);
  });

  it('keeps every id inside its id space, with row 0 reserved for padding', () => {
    const spaceSize = new Map(schema.idSpaces.map((space) => [space.name, space.size]));
    expect(schema.idSpaces.every((space) => space.oov === 'error')).toBe(true);
    const outOfRange = schema.sparseFields.filter((field, i) => {
      const limit = spaceSize.get(field.idSpace)!;
      return dataset.sparse[i]!.some((id) => id < 1 || id >= limit);
    });
    expect(outOfRange).toEqual([]);
    for (const sequence of dataset.sequences) {
      const spaces = ['item', 'category', 'brand', 'price', 'age'].map((name) => spaceSize.get(name)!);
      const columns = [sequence.items, ...sequence.sideFields];
      expect(columns.map((column, c) => column.every((id) => id >= 0 && id < spaces[c]!))).toEqual(
        columns.map(() => true),
      );
    }
    expect(spaceSize.get('item')).toBe(501);
    expect(spaceSize.get('category')).toBe(21);
  });

  it('lays sequences out padding-first, newest at L - 1, side fields aligned with items', () => {
    const L = 50;
    const categoryOfItem = new Map<number, number>();
    const targetItems = sparseColumn(dataset, 'target_item');
    const targetCategories = sparseColumn(dataset, 'target_category');
    targetItems.forEach((item, row) => {
      categoryOfItem.set(item, targetCategories[row]!);
    });
    const problems: string[] = [];
    for (const [b, sequence] of dataset.sequences.entries()) {
      expect(sequence.maxLength).toBe(L);
      expect(sequence.items.length).toBe(size * L);
      const [categories, brands, prices, ages] = sequence.sideFields;
      for (let row = 0; row < size; row++) {
        let seenItem = false;
        for (let p = 0; p < L; p++) {
          const at = row * L + p;
          const item = sequence.items[at]!;
          const where = `behavior ${b}, row ${row}, position ${p}`;
          if (seenItem && item === 0) problems.push(`${where}: padding after an element`);
          seenItem ||= item !== 0;
          const sides = [categories![at]!, brands![at]!, prices![at]!, ages![at]!];
          if (item === 0) {
            if (sides.some((id) => id !== 0)) problems.push(`${where}: side field on padding`);
            continue;
          }
          if (sides.some((id) => id === 0)) problems.push(`${where}: padding side field on an element`);
          // Recency buckets: position L - 1 is rank 0 (age id 2), bucket floor(log2(rank + 1)).
          if (ages![at] !== 2 + Math.floor(Math.log2(L - p))) problems.push(`${where}: age ${ages![at]}`);
          const known = categoryOfItem.get(item);
          if (known !== undefined && categories![at] !== known) problems.push(`${where}: category`);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(dataset.synthetic.meanSequenceLengths.click).toBeGreaterThan(40);
    expect(dataset.synthetic.meanSequenceLengths.order).toBeGreaterThan(1);
    expect(sparseColumn(dataset, 'target_age').every((id) => id === 1)).toBe(true);
  });

  it('orders rows by time and exposes the user as the group field', () => {
    const timestamps = dataset.timestamps!;
    for (let row = 1; row < size; row++) expect(timestamps[row]! >= timestamps[row - 1]!).toBe(true);
    expect(schema.groupField).toBe('user_id');
    expect(dataset.groups).toEqual(sparseColumn(dataset, 'user_id'));
    const hours = sparseColumn(dataset, 'context_hour');
    expect(hours[size - 1]).toBe((Math.floor(timestamps[size - 1]! / 3600) % 24) + 1);
  });
});

describe('resolveMultiBehaviorArgs', () => {
  it('rejects unknown keys naming the closest valid key, and out-of-range values', () => {
    expect(() => resolveMultiBehaviorArgs({ taskCorelation: 0.5 } as never)).toThrow(
      'MultiBehaviorArgs: unknown key "taskCorelation"; did you mean "taskCorrelation"?',
    );
    expect(() => resolveMultiBehaviorArgs({ sequenceTaskSpecificity: 2 })).toThrow(
      'MultiBehaviorArgs.sequenceTaskSpecificity is invalid (expected a finite number >= 0 and <= 1, found 2)',
    );
    expect(() => resolveMultiBehaviorArgs({ taskMode: 'cascaded' as never })).toThrow(
      'MultiBehaviorArgs.taskMode is invalid; did you mean "cascade"?',
    );
    expect(() => resolveMultiBehaviorArgs({ numItems: 30 })).toThrow(
      'MultiBehaviorArgs.numItems is invalid (every brand needs an item) (expected an integer >= numCategories * maxBrandsPerCategory (80), found 30)',
    );
    let error: unknown;
    try {
      resolveMultiBehaviorArgs({ targetSessionShare: 0.7, targetUserShare: 0.5 });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
  });
});
