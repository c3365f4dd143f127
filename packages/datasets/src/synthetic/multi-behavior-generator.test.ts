import { isConfigError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../data/validate-dataset.js';
import { resolveMultiBehaviorArgs } from './multi-behavior-args.js';
import { generateMultiBehaviorData, type SyntheticDataset } from './multi-behavior-generator.js';
import { SYNTHETIC_SPARSE_FIELDS } from './multi-behavior-schema.js';
import { SYNTHETIC_SETTINGS, syntheticPreset } from './presets.js';
import { correlation, hashDataset, rankAuc } from './test-utils.js';

const generated = new Map<string, SyntheticDataset>();
/** Tiny preset of a setting, generated once per test file. */
function tiny(setting: (typeof SYNTHETIC_SETTINGS)[number]): SyntheticDataset {
  let dataset = generated.get(setting);
  if (!dataset) {
    dataset = generateMultiBehaviorData(syntheticPreset(setting, 'tiny'));
    generated.set(setting, dataset);
  }
  return dataset;
}

function sparseColumn(dataset: SyntheticDataset, name: (typeof SYNTHETIC_SPARSE_FIELDS)[number]): Int32Array {
  return dataset.sparse[SYNTHETIC_SPARSE_FIELDS.indexOf(name)]!;
}

function rate(labels: Float32Array, mask?: Float32Array): number {
  let positives = 0;
  let count = 0;
  labels.forEach((label, row) => {
    if (mask && mask[row] === 0) return;
    positives += label;
    count++;
  });
  return positives / count;
}

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

describe.each(SYNTHETIC_SETTINGS)('generateMultiBehaviorData: %s (tiny)', (setting) => {
  const dataset = tiny(setting);
  const args = dataset.synthetic.args;
  const extras = dataset.extras!;

  it('hits the target label rates within 2 points, conversion only on clicks', () => {
    const [click, conversion] = dataset.labels;
    const mask = dataset.sampleMasks[1]!;
    expect(dataset.schema.tasks[1]!.sampleSpace).toEqual({ positiveOf: 'click' });
    expect(mask).toEqual(click);
    expect(Math.abs(rate(click!) - args.clickRate)).toBeLessThan(0.02);
    expect(Math.abs(rate(conversion!, mask) - args.conversionRate)).toBeLessThan(0.02);
    conversion!.forEach((label, row) => {
      if (label === 1) expect(click![row]).toBe(1);
    });
  });

  it('measures the knob as the correlation of the two tasks user-item scores (within 0.05)', () => {
    const measured = correlation(extras['score-user-item/click']!, extras['score-user-item/conversion']!);
    expect(Math.abs(measured - args.taskCorrelation)).toBeLessThan(0.05);
  });

  it('gives oracle AUCs well above 0.5 and partial oracles ordered sensibly', () => {
    dataset.schema.tasks.forEach((task, k) => {
      const mask = dataset.sampleMasks[k];
      const rows = Array.from({ length: dataset.size }, (_, row) => row).filter(
        (row) => !mask || mask[row] === 1,
      );
      const labels = rows.map((row) => dataset.labels[k]![row]!);
      const aucOf = (kind: string) =>
        rankAuc(
          labels,
          rows.map((row) => extras[`${kind}/${task.name}`]![row]!),
        );
      const full = aucOf('oracle');
      expect(full).toBeGreaterThan(0.75);
      expect(aucOf('oracle-sequence-only')).toBeGreaterThan(0.65);
      expect(aucOf('oracle-no-user-item')).toBeLessThan(full);
      expect(aucOf('oracle-no-sequence')).toBeLessThan(full);
      expect(aucOf('oracle-sequence-only')).toBeLessThan(aucOf('oracle-no-user-item'));
      expect(aucOf('oracle-no-sequence')).toBeGreaterThan(0.55);
    });
  });

  it('correlates the item scalars (attractiveness, quality) as the item knob says', () => {
    const measured = correlation(extras['score-item/click']!, extras['score-item/conversion']!);
    expect(Math.abs(measured - args.itemCorrelation)).toBeLessThan(0.15);
  });

  it('makes the sequence terms as task-specific as kappa says', () => {
    const measured = correlation(extras['score-sequence/click']!, extras['score-sequence/conversion']!);
    if (args.sequenceTaskSpecificity === 0) expect(measured).toBeCloseTo(1, 5);
    else expect(measured).toBeLessThan(0.6);
  });
});

describe('generateMultiBehaviorData: label model', () => {
  it('makes click depend on whether the target matches the newest click category (short memory)', () => {
    const dataset = tiny('full-conflict');
    const L = 50;
    const clickCategories = dataset.sequences[0]!.sideFields[0]!;
    const targetCategories = sparseColumn(dataset, 'target_category');
    const [matching, other] = [[] as number[], [] as number[]];
    for (let row = 0; row < dataset.size; row++) {
      const newest = clickCategories[row * L + L - 1];
      (newest === targetCategories[row] ? matching : other).push(dataset.labels[0]![row]!);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(matching.length).toBeGreaterThan(500);
    expect(mean(matching)).toBeGreaterThan(mean(other) + 0.2);
  });

  it('derives the sequence term from observable columns only (learnable in principle)', () => {
    const dataset = tiny('sequence-conflict');
    const {
      sequenceLength: L,
      clickMemory,
      conversionMemory,
      sequenceTaskSpecificity: kappa,
    } = dataset.synthetic.args;
    const [categories, brands, prices] = dataset.sequences[0]!.sideFields;
    const [targetCategory, targetBrand, targetPrice] = (
      ['target_category', 'target_brand', 'target_price'] as const
    ).map((name) => sparseColumn(dataset, name));
    const standardize = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      return values.map((value) => (value - mean) / std);
    };
    const categoryMatch: number[] = [];
    const brandPriceMatch: number[] = [];
    for (let row = 0; row < dataset.size; row++) {
      let [a, aWeight, b, bWeight] = [0, 0, 0, 0];
      for (let p = L - 1; p >= 0 && dataset.sequences[0]!.items[row * L + p] !== 0; p--) {
        const rank = L - 1 - p;
        const at = row * L + p;
        const shortWeight = Math.exp(-rank / clickMemory);
        const longWeight = Math.exp(-rank / conversionMemory);
        a += categories![at] === targetCategory![row] ? shortWeight : 0;
        aWeight += shortWeight;
        b +=
          longWeight *
          ((brands![at] === targetBrand![row] ? 0.5 : 0) + (prices![at] === targetPrice![row] ? 0.5 : 0));
        bWeight += longWeight;
      }
      categoryMatch.push(aWeight > 0 ? a / aWeight : 0);
      brandPriceMatch.push(bWeight > 0 ? b / bWeight : 0);
    }
    const [standardA, standardB] = [standardize(categoryMatch), standardize(brandPriceMatch)];
    const click = standardize(
      standardA.map((a, row) => ((1 + kappa) / 2) * a + ((1 - kappa) / 2) * standardB[row]!),
    );
    const published = dataset.extras!['score-sequence/click']!;
    const largestError = click.reduce(
      (worst, value, row) => Math.max(worst, Math.abs(value - published[row]!)),
      0,
    );
    expect(largestError).toBeLessThan(1e-5);
  });

  it('draws conversion on every row in independent mode', () => {
    const dataset = generateMultiBehaviorData(
      syntheticPreset('gate-friendly', 'tiny', {
        taskMode: 'independent',
        numSamples: 3000,
        conversionRate: 0.3,
      }),
    );
    expect(dataset.schema.tasks[1]!.sampleSpace).toBe('all');
    expect(dataset.sampleMasks[1]).toBeUndefined();
    expect(Math.abs(rate(dataset.labels[1]!) - 0.3)).toBeLessThan(0.02);
    const bothPositive = dataset.labels[1]!.filter(
      (label, row) => label === 1 && dataset.labels[0]![row] === 0,
    );
    expect(bothPositive.length).toBeGreaterThan(0);
  });

  it('handles degenerate sizes: one user, a handful of rows, possibly no click', () => {
    for (const numSamples of [1, 3]) {
      const dataset = generateMultiBehaviorData({ numUsers: 1, numItems: 80, numSamples, seed: 2 });
      expect(validateDataset(dataset).size).toBe(numSamples);
      expect(Object.values(dataset.extras!).every((column) => column.every(Number.isFinite))).toBe(true);
    }
  });

  it('sets field importances with cosine equal to the overlap knob', () => {
    const [click, conversion] = tiny('full-conflict').synthetic.fieldImportances;
    const dot = click!.reduce((sum, value, f) => sum + value * conversion![f]!, 0);
    expect(dot).toBeCloseTo(0.3, 10);
    expect(Math.hypot(...click!)).toBeCloseTo(1, 10);
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
