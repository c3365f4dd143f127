import { describe, expect, it } from 'vitest';
import { loadAliExpress, streamAliExpress } from '../../src/loaders/aliexpress/load-aliexpress.js';
import { fixture } from './helpers.js';

const sources = { train: fixture('aliexpress/train.csv'), test: fixture('aliexpress/test.csv') };

describe('AliExpress loader on hand-made files in the raw format', () => {
  it('reads 16 categorical and 63 numerical columns, click and conversion', async () => {
    const { datasets, schema, report, vocabularies } = await loadAliExpress(sources);
    expect(schema.sparseFields).toHaveLength(16);
    expect(schema.denseFields).toHaveLength(63);
    expect(report.files.train).toMatchObject({ rowsRead: 11, rowsUsed: 10, rowsFiltered: 1 });
    const train = datasets.train;
    expect(train.size).toBe(10);
    // Row k: categorical_i = (k + i) % 7, numerical_i = 0.01 * (k + i), click = k % 3 == 0, conversion = k % 6 == 0.
    for (let k = 0; k < 10; k++) {
      expect(vocabularies.categorical_1!.rawIdAt(train.sparse[0]![k]!)).toBe(String(k % 7));
      expect(vocabularies.categorical_16!.rawIdAt(train.sparse[15]![k]!)).toBe(String((k + 15) % 7));
      expect(train.dense[62]![k]).toBeCloseTo(0.01 * (k + 62), 5);
      expect(train.labels[0]![k]).toBe(k % 3 === 0 ? 1 : 0);
      expect(train.labels[1]![k]).toBe(k % 6 === 0 ? 1 : 0);
    }
    expect(datasets.validation.size + datasets.test.size).toBe(8);
  });

  it('streams the same rows in batches', async () => {
    const loaded = await loadAliExpress(sources);
    const rows: number[] = [];
    await streamAliExpress(sources, { batchSize: 3 }, (split, batch) => {
      expect(batch.size).toBeLessThanOrEqual(3);
      if (split === 'train') rows.push(...batch.dense[0]!);
    });
    expect(rows).toEqual([...loaded.datasets.train.dense[0]!]);
  });
});
