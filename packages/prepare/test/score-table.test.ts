/**
 * `TableScorer`: new rows read with a dataset config but a trained run's vocabularies and
 * statistics. Scoring the test file of a `files: { train, test }` config gives exactly the prepared
 * test shards; unseen ids follow each id space's OOV policy as `Vocabulary.lookup` maps them; bad
 * input is a located error or a counted skip; kept columns and record indices follow file order.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@dtrn/base';
import { type InMemoryDataset, listColumns, Vocabulary, type VocabularyJson } from '@dtrn/data';
import { readShards } from '@dtrn/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PrepareTableResult, prepareTable, type ScoredBlock, TableScorer } from '../src/index.js';
import { fixtureConfig, type TableFixture, writeTableFixture } from '../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'dtrn-score-table-'));
const configPath = join(root, 'dataset.yaml');

interface CopiedBlock {
  /** Every column of the block by path (`sparse/item`, `dense/price`, ...), copied. */
  readonly columns: Record<string, number[]>;
  readonly records: number[];
  readonly kept: (string | null)[][];
}

async function scoreAll(scorer: TableScorer) {
  const blocks: CopiedBlock[] = [];
  // Blocks are reused after the sink: keep copies.
  const report = await scorer.stream(async (block: ScoredBlock) => {
    blocks.push({
      columns: Object.fromEntries(listColumns(block.rows).map((c) => [c.path, Array.from(c.column)])),
      records: Array.from(block.records),
      kept: block.kept.map((k) => [...k]),
    });
  });
  return { blocks, report };
}

function columnsOf(dataset: InMemoryDataset, names: readonly string[]) {
  const all = Object.fromEntries(listColumns(dataset).map((c) => [c.path, Array.from(c.column)]));
  return names.map((name) => all[name]!);
}

describe('TableScorer', () => {
  let fixture: TableFixture;
  let prepared: PrepareTableResult;
  let vocabularies: Record<string, VocabularyJson>;
  let config: Record<string, unknown>;
  let testFile: string;

  beforeAll(async () => {
    fixture = await writeTableFixture(join(root, 'data'), { samples: 300, events: 800 });
    const [header, ...lines] = readFileSync(fixture.files.csv, 'utf8').trim().split('\n');
    const trainFile = join(root, 'train.csv');
    testFile = join(root, 'test.csv');
    writeFileSync(trainFile, `${[header, ...lines.slice(0, 200)].join('\n')}\n`);
    writeFileSync(testFile, `${[header, ...lines.slice(200)].join('\n')}\n`);
    const {
      file: _file,
      split: _split,
      ...rest
    } = fixtureConfig(fixture, { format: 'csv', sequences: 'list' });
    config = { ...rest, files: { train: trainFile, test: testFile }, split: { validation: 0.2, seed: 1 } };
    prepared = await prepareTable(config, { configPath, out: join(root, 'prepared') });
    vocabularies = JSON.parse(readFileSync(join(root, 'prepared', 'vocabularies.json'), 'utf8'));
  });

  it('scores the test file exactly as prepareTable wrote its test shards', async () => {
    const scorer = await TableScorer.open(config, {
      configPath,
      saved: { vocabularies, numeric: prepared.report.numeric },
      keep: ['user'],
    });
    try {
      expect(scorer.schema).toEqual(prepared.schema);
      const { blocks, report } = await scoreAll(scorer);
      const shards = await readShards(join(root, 'prepared', 'test'));
      expect(report).toMatchObject({ read: 100, scored: 100, skipped: 0, filtered: 0 });
      const names = ['sparse/item', 'sparse/category', 'dense/price', 'sequence/click/item'];
      const expected = columnsOf(shards, names);
      const actual = names.map((name) => blocks.flatMap((b) => b.columns[name]!));
      expect(actual).toEqual(expected);
      expect(blocks.flatMap((b) => b.records)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(blocks.flatMap((b) => b.kept[0]!)).toEqual(fixture.samples.slice(200).map((s) => s.user));
    } finally {
      scorer.close();
    }
  });

  it("maps unseen ids by each id space's OOV policy, as Vocabulary.lookup does", async () => {
    const policies = {
      ...config,
      fields: [
        { name: 'item', type: 'categorical', oov: 'hash', hashBuckets: 7 },
        { name: 'category', type: 'categorical', oov: 'reserved' },
        { name: 'user', type: 'categorical', oov: 'error' },
      ],
      sequences: undefined,
    };
    const out = join(root, 'prepared-policies');
    const result = await prepareTable(policies, { configPath, out });
    const saved = JSON.parse(readFileSync(join(out, 'vocabularies.json'), 'utf8'));
    const known = Vocabulary.fromJSON(saved.user).knownIds[0]!;
    const file = join(root, 'unseen.csv');
    writeFileSync(
      file,
      [
        'user,item,category,price,ts,history,click,buy',
        `${known},i1,c1,10,1,,0,0`,
        `${known},new-item,new-category,10,1,,0,0`,
        `${known},another-item,c2,10,1,,0,0`,
        'new-user,i2,c1,10,1,,0,0',
      ].join('\n'),
    );
    const open = (badInput: 'error' | 'skip') =>
      TableScorer.open(policies, {
        configPath,
        file,
        badInput,
        saved: { vocabularies: saved, numeric: result.report.numeric },
      });
    const errorScorer = await open('error');
    try {
      const failure = await scoreAll(errorScorer).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DataError);
      expect(String(failure)).toMatch(
        /unseen\.csv:5:user.*unknown id in id space "user" \(oov error\).*found "new-user"/,
      );
    } finally {
      errorScorer.close();
    }
    const scorer = await open('skip');
    try {
      const { blocks, report } = await scoreAll(scorer);
      expect(report).toMatchObject({ read: 4, scored: 3, skipped: 1, filtered: 0 });
      expect(report.skippedByReason[0]).toMatchObject({
        reason: 'unknown id in id space "user" (oov error)',
        count: 1,
      });
      expect(report.skippedByReason[0]!.example).toMatch(/unseen\.csv:5:user \(found "new-user"\)/);
      const item = Vocabulary.fromJSON(saved.item);
      const category = Vocabulary.fromJSON(saved.category);
      const user = Vocabulary.fromJSON(saved.user);
      const [block] = blocks;
      expect(block!.records).toEqual([0, 1, 2]);
      expect(['sparse/item', 'sparse/category', 'sparse/user'].map((name) => block!.columns[name])).toEqual([
        ['i1', 'new-item', 'another-item'].map((id) => item.lookup(id)),
        ['c1', 'new-category', 'c2'].map((id) => category.lookup(id)),
        [known, known, known].map((id) => user.lookup(id)),
      ]);
      expect(block!.columns['sparse/item']![1]).toBeGreaterThan(item.numKnownIds);
      expect(block!.columns['sparse/category']![1]).toBe(1);
    } finally {
      scorer.close();
    }
  });

  it('locates bad input under error and counts it under skip, reading every row', async () => {
    const file = join(root, 'bad.csv');
    const lines = readFileSync(testFile, 'utf8').trim().split('\n');
    lines[3] = lines[3]!.replace(/^(u\d+,i\d+,c\d+,)[\d.]+,/, '$1cheap,');
    lines.push('u1,i1,c1,10,1,i1|i2,0,0,extra');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const saved = { vocabularies, numeric: prepared.report.numeric };
    const strict = await TableScorer.open(config, { configPath, file, saved, badInput: 'error' });
    try {
      await expect(scoreAll(strict)).rejects.toThrow(
        /bad\.csv:4:price: bad input: value is not a number.*found "cheap"/,
      );
    } finally {
      strict.close();
    }
    const lenient = await TableScorer.open(config, { configPath, file, saved, badInput: 'skip' });
    try {
      const { blocks, report } = await scoreAll(lenient);
      expect(report).toMatchObject({ read: 101, scored: 99, skipped: 2, filtered: 0 });
      expect(report.skippedByReason.map((r) => [r.reason, r.count])).toEqual([
        ['value is not a number', 1],
        ['malformed line (too many columns)', 1],
      ]);
      const records = blocks.flatMap((b) => b.records);
      expect(records).toHaveLength(99);
      expect(records).not.toContain(2);
    } finally {
      lenient.close();
    }
  });

  it('names a field the run has no statistics or vocabulary for', async () => {
    const numeric = prepared.report.numeric.filter((s) => s.field !== 'price');
    await expect(
      TableScorer.open(config, { configPath, file: testFile, saved: { vocabularies, numeric } }),
    ).rejects.toThrow(/no statistics for numeric field "price"/);
    const { category: _c, ...withoutCategory } = vocabularies;
    await expect(
      TableScorer.open(config, {
        configPath,
        file: testFile,
        saved: { vocabularies: withoutCategory, numeric: prepared.report.numeric },
      }),
    ).rejects.toThrow(/no vocabulary for id space "category"/);
  });
});
