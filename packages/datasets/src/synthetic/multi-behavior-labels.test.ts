import { validateDataset } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { correlation, rankAuc, rate, sparseColumn, tiny } from '../testing/synthetic.js';
import { generateMultiBehaviorData } from './multi-behavior-generator.js';
import { SYNTHETIC_SETTINGS, syntheticPreset } from './presets.js';

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
