import { describe, expect, it } from 'vitest';
import { loadAliCcp } from '../../src/loaders/ali-ccp/load-ali-ccp.js';
import { fixture } from './helpers.js';

const sources = {
  trainSkeleton: fixture('ali-ccp/sample_skeleton_train.csv'),
  trainCommonFeatures: fixture('ali-ccp/common_features_train.csv'),
  testSkeleton: fixture('ali-ccp/sample_skeleton_test.csv'),
  testCommonFeatures: fixture('ali-ccp/common_features_test.csv'),
};

describe('Ali-CCP loader on hand-made files in the raw format', () => {
  it('joins skeleton rows with their profile, filters click 0 / conversion 1 and accounts for every row', async () => {
    const { datasets, report, schema, vocabularies } = await loadAliCcp(sources, {
      minFrequency: 1,
      bagLength: 3,
    });
    expect(report.files.trainSkeleton).toMatchObject({
      rowsRead: 8,
      rowsUsed: 7,
      rowsSkipped: 0,
      rowsFiltered: 1,
      filteredByReason: { 'click0-conversion1': 1 },
    });
    expect(report.files.trainCommonFeatures).toMatchObject({
      rowsRead: 4,
      rowsUsed: 3,
      filteredByReason: { unreferenced: 1 },
    });
    expect(report.profilesStored).toEqual({ train: 3, test: 2 });
    const train = datasets.train;
    expect(train.size).toBe(7);
    expect([...train.labels[0]!]).toEqual([1, 1, 0, 0, 1, 0, 1]);
    expect([...train.labels[1]!]).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(schema.tasks[1]).toEqual({ name: 'conversion', sampleSpace: { positiveOf: 'click' } });
    expect([...train.sampleMasks[1]!]).toEqual([...train.labels[0]!]);
    // The user field comes from the profile; groups are the user column.
    const user = vocabularies['101']!;
    expect([...train.sparse[0]!].map((row) => user.rawIdAt(row))).toEqual([
      '11',
      '11',
      '12',
      '12',
      '13',
      '11',
      '12',
    ]);
    expect(train.groups).toBe(train.sparse[0]);
    // Item fields from the skeleton; the category shares the behavior space with the bags (prefixed keys).
    const behavior = vocabularies.behavior!;
    expect(behavior.rawIdAt(train.sparse[schema.sparseFields.findIndex((f) => f.name === '206')]![0]!)).toBe(
      'c300',
    );
    // Bag of row 0 (profile aa01): categories 300 (5), 301 (1), 302 (3) -> ascending counts, largest last.
    const category = train.sequences[0]!;
    expect([...category.items.subarray(0, 3)].map((row) => behavior.rawIdAt(row))).toEqual([
      'c301',
      'c302',
      'c300',
    ]);
    // Profile bb02 has one category: right-aligned after padding.
    expect(
      [...category.items.subarray(2 * 3, 3 * 3)].map((row) => (row === 0 ? 0 : behavior.rawIdAt(row))),
    ).toEqual([0, 0, 'c301']);
    // Ignored field 999 is counted, not kept.
    expect(schema.sparseFields.some((field) => field.name === '999')).toBe(false);
    expect(report.ignoredFeatures).toBe(7 + 6);
    // Test rows split into validation and test.
    expect(datasets.validation.size + datasets.test.size).toBe(6);
    expect(report.samplesBySplit).toEqual({
      train: 7,
      validation: datasets.validation.size,
      test: datasets.test.size,
    });
  });

  it('applies the min frequency on training samples (profiles weighted by their references)', async () => {
    const { vocabularies, datasets } = await loadAliCcp(sources, { minFrequency: 3, bagLength: 3 });
    // Users: 11 in 3 used training rows, 12 in 3, 13 in 1 -> 13 is OOV.
    expect([...vocabularies['101']!.knownIds].sort()).toEqual(['11', '12']);
    expect(datasets.train.sparse[0]![4]).toBe(1);
    // Item 500 appears in 4 used training rows; 501..503 fewer.
    expect(vocabularies['205']!.knownIds).toEqual(['500']);
    // A test user unseen in training maps to OOV.
    expect(vocabularies['101']!.has('99')).toBe(false);
  });

  it('runs the leakage check on the training split and finds no label-determining feature', async () => {
    const { leakage } = await loadAliCcp(sources, { minFrequency: 1 });
    expect(leakage).toBeDefined();
    expect(leakage!.rowsChecked).toBe(7);
    expect(leakage!.findings.length).toBeGreaterThan(0);
  });

  it('rejects unknown arguments naming the closest key', async () => {
    await expect(loadAliCcp(sources, { minFrequncy: 2 } as never)).rejects.toThrow(
      /AliCcpArgs: unknown key "minFrequncy"; did you mean "minFrequency"\?/,
    );
  });
});
