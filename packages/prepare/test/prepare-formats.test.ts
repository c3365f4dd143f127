/**
 * One small data set in CSV, JSON lines and Parquet prepares into identical shards; splits by user
 * keep every user in one split; vocabularies and statistics come from the training split only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InMemoryDataset, listColumns, Vocabulary } from '@dtrn/data';
import { readShards } from '@dtrn/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_EXTRA, prepareTable } from '../src/index.js';
import { fixtureConfig, type TableFixture, writeTableFixture } from '../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-formats-'));
let fixture: TableFixture;

async function prepared(format: 'csv' | 'jsonl' | 'parquet') {
  const out = join(root, `out-${format}`);
  const result = await prepareTable(fixtureConfig(fixture, { format, sequences: 'list' }), {
    configPath: join(root, 'dataset.yaml'),
    out,
  });
  const splits = await Promise.all(
    ['train', 'validation', 'test'].map((split) => readShards(join(out, split))),
  );
  return { out, result, splits: splits as [InMemoryDataset, InMemoryDataset, InMemoryDataset] };
}

function columnsOf(dataset: InMemoryDataset) {
  return Object.fromEntries(listColumns(dataset).map((column) => [column.path, Array.from(column.column)]));
}

describe('prepareTable on CSV, JSON lines and Parquet', () => {
  let csv: Awaited<ReturnType<typeof prepared>>;
  beforeAll(async () => {
    fixture = await writeTableFixture(join(root, 'data'));
    csv = await prepared('csv');
  });

  it('accounts for every row and writes the schema the config describes', () => {
    const { rows, report } = csv.result;
    expect(rows.train + rows.validation + rows.test).toBe(fixture.samples.length);
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(report.rows[split]).toEqual({ read: rows[split], used: rows[split], skipped: 0, filtered: 0 });
    }
    const schema = csv.result.schema;
    expect(schema.sparseFields.map((f) => f.name)).toEqual(['item', 'category']);
    expect(schema.denseFields.map((f) => f.name)).toEqual(['price']);
    expect(schema.sequences).toMatchObject({
      behaviors: [{ name: 'click', maxLength: 8 }],
      targetField: 'item',
    });
    expect(schema.tasks).toEqual([
      { name: 'click', sampleSpace: 'all' },
      { name: 'buy', sampleSpace: { positiveOf: 'click' } },
    ]);
    const manifest = JSON.parse(readFileSync(join(csv.out, 'prepare.json'), 'utf8'));
    expect(manifest.rows).toEqual(rows);
    expect(Object.keys(report.timings)).toEqual([
      'read',
      'check',
      'vocabularies',
      'statistics',
      'sequences',
      'write',
      'leakage',
    ]);
  });

  it('gives the same shards from JSON lines and Parquet as from CSV', async () => {
    for (const format of ['jsonl', 'parquet'] as const) {
      const other = await prepared(format);
      expect(other.result.rows).toEqual(csv.result.rows);
      for (let s = 0; s < 3; s++) expect(columnsOf(other.splits[s])).toEqual(columnsOf(csv.splits[s]));
    }
  });

  it('keeps every user in one split (split by a column)', () => {
    const usersPerSplit = csv.splits.map((split) => new Set(split.extras![GROUP_EXTRA]));
    for (let a = 0; a < 3; a++) {
      expect(usersPerSplit[a]!.size).toBeGreaterThan(0);
      for (let b = a + 1; b < 3; b++) {
        const shared = [...usersPerSplit[a]!].filter((user) => usersPerSplit[b]!.has(user));
        expect(shared).toEqual([]);
      }
    }
  });

  it('builds vocabularies and statistics from the training split only', () => {
    const vocabulary = Vocabulary.fromJSON(
      JSON.parse(readFileSync(join(csv.out, 'vocabularies.json'), 'utf8')).item,
    );
    const [train, , test] = csv.splits;
    const users = [...new Set(fixture.samples.map((s) => s.user))].sort();
    const inTrain = new Set(Array.from(train.extras![GROUP_EXTRA]!, (ordinal) => users[ordinal]!));
    const trainItems = new Set<string>();
    for (const sample of fixture.samples) {
      if (!inTrain.has(sample.user)) continue;
      trainItems.add(sample.item);
      for (const item of sample.history) trainItems.add(item);
    }
    expect(new Set(vocabulary.knownIds)).toEqual(trainItems);
    // Items never seen in training map to the reserved OOV row 1 in the test split.
    const unseen = fixture.samples.filter((s) => !inTrain.has(s.user) && !trainItems.has(s.item)).length;
    expect(test.sparse[0]!.filter((id) => id === 1).length).toBeLessThanOrEqual(unseen);
    const priceStats = csv.result.report.numeric.find((s) => s.field === 'price')!;
    const trainPrices = fixture.samples.filter((s) => inTrain.has(s.user)).map((s) => s.price);
    const mean = trainPrices.reduce((a, b) => a + b, 0) / trainPrices.length;
    expect(priceStats.mean).toBeCloseTo(mean, 8);
    const standardized = Array.from(train.dense[0]!);
    expect(standardized.reduce((a, b) => a + b, 0) / standardized.length).toBeCloseTo(0, 5);
  });

  it('writes labels, masks and list sequences as the data contract says', () => {
    const [train] = csv.splits;
    const vocabulary = Vocabulary.fromJSON(
      JSON.parse(readFileSync(join(csv.out, 'vocabularies.json'), 'utf8')).item,
    );
    const users = [...new Set(fixture.samples.map((s) => s.user))].sort();
    const trainSamples = fixture.samples.filter((s) =>
      new Set(Array.from(train.extras![GROUP_EXTRA]!, (o) => users[o])).has(s.user),
    );
    expect(train.size).toBe(trainSamples.length);
    trainSamples.forEach((sample, row) => {
      expect(train.labels[0]![row]).toBe(sample.click);
      expect(train.labels[1]![row]).toBe(sample.buy);
      expect(train.sampleMasks[1]![row]).toBe(sample.click);
      expect(train.sparse[0]![row]).toBe(vocabulary.lookup(sample.item));
      const items = Array.from(train.sequences[0]!.items.subarray(row * 8, row * 8 + 8));
      const expected = sample.history.map((item) => vocabulary.lookup(item));
      expect(items).toEqual([...new Array(8 - expected.length).fill(0), ...expected]);
    });
  });
});
