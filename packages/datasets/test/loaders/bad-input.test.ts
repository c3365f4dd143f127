// Every bad-input class of DATA.md, on every loader that can meet it: a located DataError under
// `badInput: 'error'`, a count by reason under `'skip'`, and rows read = used + skipped + filtered.
import { DataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { loadAliCcp } from '../../src/loaders/ali-ccp/load-ali-ccp.js';
import { loadAliExpress } from '../../src/loaders/aliexpress/load-aliexpress.js';
import type { BadInputPolicy, FileReport, SkipReason } from '../../src/loaders/bad-input.js';
import { loadOtto } from '../../src/loaders/otto/load-otto.js';
import { fixture } from './helpers.js';

type Loader = (file: string, badInput: BadInputPolicy) => Promise<FileReport>;

const otto: Loader = async (file, badInput) =>
  (await loadOtto(fixture(file), { badInput, split: { train: 1 } })).report.file;
const aliCcp: Loader = async (file, badInput) =>
  (
    await loadAliCcp(
      {
        trainSkeleton: fixture(file),
        trainCommonFeatures: fixture('ali-ccp/common_features_train.csv'),
        testSkeleton: fixture('ali-ccp/sample_skeleton_test.csv'),
        testCommonFeatures: fixture('ali-ccp/common_features_test.csv'),
      },
      { badInput, minFrequency: 1 },
    )
  ).report.files.trainSkeleton;
const aliExpress: Loader = async (file, badInput) =>
  (await loadAliExpress({ train: fixture('aliexpress/train.csv'), test: fixture(file) }, { badInput })).report
    .files.test;

interface Case {
  readonly loader: string;
  readonly load: Loader;
  readonly file: string;
  readonly reason: SkipReason;
  /** file:line:column the error must name. */
  readonly at: RegExp;
  /** Rows of the file and how many are valid (used or filtered) when the bad one is skipped. */
  readonly rows: number;
}

const cases: Case[] = [
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/malformed.jsonl',
    reason: 'malformed',
    at: /malformed\.jsonl:2:\d+: /,
    rows: 3,
  },
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/non-finite.jsonl',
    reason: 'non-finite',
    at: /non-finite\.jsonl:2:\d+: events\[1\]\.ts/,
    rows: 3,
  },
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/id-out-of-range.jsonl',
    reason: 'id-out-of-range',
    at: /id-out-of-range\.jsonl:2:\d+: events\[1\]\.aid/,
    rows: 3,
  },
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/invalid-utf8.jsonl',
    reason: 'invalid-utf8',
    at: /invalid-utf8\.jsonl:2:54: /,
    rows: 3,
  },
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/truncated.jsonl',
    reason: 'truncated',
    at: /truncated\.jsonl:3:\d+: /,
    rows: 3,
  },
  {
    loader: 'otto',
    load: otto,
    file: 'otto-bad/truncated-utf8.jsonl',
    reason: 'truncated',
    at: /truncated-utf8\.jsonl:3:19: /,
    rows: 3,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/malformed.csv',
    reason: 'malformed',
    at: /malformed\.csv:3:\d+: a feature/,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/column-count.csv',
    reason: 'column-count',
    at: /column-count\.csv:3:1: /,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/non-numeric-label.csv',
    reason: 'non-numeric-label',
    at: /non-numeric-label\.csv:3:3: click/,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/label-out-of-range.csv',
    reason: 'label-out-of-range',
    at: /label-out-of-range\.csv:3:5: conversion/,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/non-finite.csv',
    reason: 'non-finite',
    at: /non-finite\.csv:3:\d+: value of field 999/,
    rows: 4,
  },
  {
    // 1e39 is finite as a double but Infinity as a float32.
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/float32-overflow.csv',
    reason: 'non-finite',
    at: /float32-overflow\.csv:3:\d+: value of field 205 overflows float32/,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/id-out-of-range.csv',
    reason: 'id-out-of-range',
    at: /id-out-of-range\.csv:3:\d+: feature id of field 205/,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/unknown-reference.csv',
    reason: 'unknown-reference',
    at: /unknown-reference\.csv:3:7: /,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/invalid-utf8.csv',
    reason: 'invalid-utf8',
    at: /invalid-utf8\.csv:3:9: /,
    rows: 4,
  },
  {
    loader: 'ali-ccp',
    load: aliCcp,
    file: 'ali-ccp/bad/truncated.csv',
    reason: 'truncated',
    at: /truncated\.csv:4:\d+: the last line is cut off \(no newline\)/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/malformed.csv',
    reason: 'malformed',
    at: /malformed\.csv:4:\d+: numerical_2 is not a number/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/column-count.csv',
    reason: 'column-count',
    at: /column-count\.csv:4:1: /,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/non-numeric-label.csv',
    reason: 'non-numeric-label',
    at: /non-numeric-label\.csv:4:\d+: click/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/label-out-of-range.csv',
    reason: 'label-out-of-range',
    at: /label-out-of-range\.csv:4:\d+: conversion/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/non-finite.csv',
    reason: 'non-finite',
    at: /non-finite\.csv:4:\d+: numerical_63 is not finite/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/float32-overflow.csv',
    reason: 'non-finite',
    at: /float32-overflow\.csv:4:35: numerical_1 overflows float32 \[non-finite\] \(expected a finite float32/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/id-out-of-range.csv',
    reason: 'id-out-of-range',
    at: /id-out-of-range\.csv:4:3: categorical_1/,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/invalid-utf8.csv',
    reason: 'invalid-utf8',
    at: /invalid-utf8\.csv:4:1: /,
    rows: 4,
  },
  {
    loader: 'aliexpress',
    load: aliExpress,
    file: 'aliexpress/bad/truncated.csv',
    reason: 'truncated',
    at: /truncated\.csv:5:1: the last line is cut off/,
    rows: 4,
  },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`${c.loader} ${c.reason} (${c.file}): located error, or counted skip`, async () => {
      const error = await c.load(c.file, 'error').then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(c.at);
      expect((error as Error).message).toContain(`[${c.reason}]`);
      expect((error as Error).message).toMatch(/expected .*found /);

      const report = await c.load(c.file, 'skip');
      expect(report.rowsRead).toBe(c.rows);
      expect(report.skippedByReason).toEqual({ [c.reason]: 1 });
      expect(report.rowsSkipped).toBe(1);
      expect(report.rowsUsed + report.rowsFiltered).toBe(c.rows - 1);
      expect(report.rowsRead).toBe(report.rowsUsed + report.rowsSkipped + report.rowsFiltered);
      expect(report.examples[0]?.message).toMatch(c.at);
    });
  }

  for (const [name, load, file] of [
    ['otto', otto, 'otto-bad/empty.jsonl'],
    ['ali-ccp', aliCcp, 'ali-ccp/bad/empty.csv'],
    ['aliexpress', aliExpress, 'aliexpress/bad/empty.csv'],
  ] as const) {
    it(`${name}: an empty file is an error, or an empty report under skip`, async () => {
      await expect(load(file, 'error')).rejects.toThrow(/empty\.\w+:1: the file has no rows/);
      const report = await load(file, 'skip');
      expect(report).toMatchObject({ empty: true, rowsRead: 0, rowsUsed: 0, rowsSkipped: 0 });
    });
  }

  it('aliexpress: a wrong header is an error under both policies, naming the column', async () => {
    for (const policy of ['error', 'skip'] as const) {
      await expect(aliExpress('aliexpress/bad/bad-header.csv', policy)).rejects.toThrow(
        /bad-header\.csv:1:\d+: unexpected AliExpress header column 24 \(expected "numerical_7".*found "numerical_07"\)/,
      );
    }
  });

  it('otto: CRLF line ends and a missing final newline are valid input', async () => {
    const report = await otto('otto-bad/crlf.jsonl', 'error');
    expect(report).toMatchObject({ rowsRead: 2, rowsUsed: 2, rowsSkipped: 0 });
  });
});
