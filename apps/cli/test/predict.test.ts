/**
 * `dtrn predict` through the built binary, as a user runs it: a census-like table prepared with
 * `dtrn prepare table` and a model trained on it, then scored from the prepared directory and from
 * the raw CSV (the run's vocabularies and statistics, not recomputed), with both engines, every
 * output format, unseen ids under each OOV policy and bad input in both modes; the real OTTO sample
 * through the prepared path; schema mismatches named.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { auc } from '@dtrn/metrics';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CENSUS_HEADER, censusRows, writeCensusLike } from './helpers/census-like.js';
import { OTTO_SAMPLE } from './helpers/raw-data.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'bin.js');
const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'dtrn-predict-'));

async function dtrn(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { maxBuffer: 64 * 2 ** 20 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

async function ok(args: string[]) {
  const result = await dtrn(args[0] === 'prepare' ? args : [...args, '--backend', 'wasm']);
  if (result.code !== 0) throw new Error(`dtrn ${args.join(' ')} exited ${result.code}: ${result.err}`);
  return result;
}

type Row = Record<string, string | number | null>;

function readCsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

function readJsonl(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

async function readParquet(file: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
    return reader.getRowObjectsJS() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function maxDifference(a: Row[], b: Row[], tasks: readonly string[]): number {
  expect(a.map((r) => Number(r.row))).toEqual(b.map((r) => Number(r.row)));
  let max = 0;
  a.forEach((row, i) => {
    for (const task of tasks) max = Math.max(max, Math.abs(Number(row[task]) - Number(b[i]![task])));
  });
  return max;
}

const TRAIN = (data: string, model: string) => [
  'name: predict-test',
  `data: { kind: shards, path: ${JSON.stringify(data)} }`,
  `model: ${model}`,
  'modelOverrides: { embeddingDim: 8, headArgs: { expertUnits: [16], towerUnits: [8] } }',
  'training: { epochs: 1, batchSize: 64, patience: 0 }',
];

describe('dtrn predict', () => {
  const census = join(root, 'census');
  const prepared = join(root, 'prepared-census');
  const run = join(root, 'run-census');
  let files: ReturnType<typeof writeCensusLike>;

  beforeAll(async () => {
    files = writeCensusLike(census);
    await ok(['prepare', 'table', '--config', files.config, '--out', prepared, '--quiet']);
    writeFileSync(join(root, 'train.yaml'), TRAIN(prepared, 'mmoe').join('\n'));
    await ok(['train', '--config', join(root, 'train.yaml'), '--out', run, '--quiet']);
  });

  it('scores the prepared test split with the numbers of dtrn train and dtrn evaluate, tfjs and onnx within 1e-5', async () => {
    const tfjs = join(root, 'prepared-tfjs.csv');
    const onnx = join(root, 'prepared-onnx.jsonl');
    const keep = ['--keep', 'income:income_label,married:married_label'];
    const scored = await ok(['predict', '--run', run, '--data', prepared, '--out', tfjs, ...keep]);
    expect(scored.out).toContain('read 120 rows = 120 scored + 0 skipped + 0 filtered');
    await ok(['predict', '--run', run, '--data', prepared, '--out', onnx, '--engine', 'onnx', ...keep]);
    const a = readCsv(tfjs);
    const b = readJsonl(onnx);
    expect(Object.keys(a[0]!)).toEqual(['row', 'income_label', 'married_label', 'income', 'married']);
    expect(maxDifference(a, b, ['income', 'married'])).toBeLessThanOrEqual(1e-5);
    // dtrn train's own test predictions (float32, task after task) are the same numbers.
    const bytes = readFileSync(join(run, 'runs', 'mmoe', 'seed-0.predictions.bin'));
    const trained = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    a.forEach((row, i) => {
      expect(Math.fround(Number(row.income))).toBe(trained[i]);
      expect(Math.fround(Number(row.married))).toBe(trained[120 + i]);
    });
    // ...and dtrn evaluate's AUCs are the AUCs of these predictions.
    await ok(['evaluate', '--run', run, '--quiet']);
    const evaluation = JSON.parse(readFileSync(join(run, 'evaluation-test.json'), 'utf8'));
    ['income', 'married'].forEach((task, k) => {
      const value = auc(
        a.map((row) => Number(row[`${task}_label`])),
        a.map((row) => Number(row[task])),
      );
      expect(value).toBeCloseTo(evaluation.report.tasks[k].auc, 12);
    });
  });

  it("scores the raw CSV with the run's vocabularies and statistics: the prepared numbers, in file order, to Parquet", async () => {
    const out = join(root, 'raw.parquet');
    const result = await ok([
      'predict',
      '--run',
      run,
      '--data',
      files.test,
      '--out',
      out,
      '--keep',
      'id',
      '--engine',
      'onnx',
    ]);
    expect(result.out).toContain('read 120 rows = 120 scored + 0 skipped + 0 filtered');
    const raw = await readParquet(out);
    expect(raw.map((row) => row.id)).toEqual(censusRows(120, 2, 1000).map((line) => line.split(',')[0]));
    const fromPrepared = readCsv(join(root, 'prepared-tfjs.csv'));
    expect(maxDifference(raw, fromPrepared, ['income', 'married'])).toBeLessThanOrEqual(1e-5);
    // A second run refuses to replace the file without --overwrite.
    const again = await dtrn([
      'predict',
      '--run',
      run,
      '--data',
      files.test,
      '--out',
      out,
      '--backend',
      'wasm',
    ]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });

  it('follows each OOV policy for unseen ids and the bad-input policy, counting every row', async () => {
    const [first, second, third] = censusRows(3, 9, 5000);
    const cells = (line: string) => line.split(',');
    const withCells = (line: string, changes: Record<number, string>) =>
      cells(line)
        .map((value, i) => changes[i] ?? value)
        .join(',');
    const lines = [
      CENSUS_HEADER,
      first!, // known ids
      withCells(first!, { 0: 'unseen-education-1', 4: 'e-new-1' }), // reserved: row 1
      withCells(first!, { 0: 'unseen-education-2', 4: 'e-new-2' }), // reserved: the same row 1
      withCells(second!, { 5: 'X' }), // hash: a bucket
      withCells(third!, { 6: 'c-new' }), // error: bad input (line 6)
      withCells(second!, { 1: 'abc' }), // not a number (line 7)
    ];
    const file = join(root, 'new.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const strictOut = join(root, 'strict.csv');
    const strict = await dtrn([
      'predict',
      '--run',
      run,
      '--data',
      file,
      '--out',
      strictOut,
      '--backend',
      'wasm',
    ]);
    expect(strict.code).toBe(2);
    expect(strict.err).toMatch(
      /new\.csv:6:country: bad input: unknown id in id space "country" \(oov error\).*found "c-new"/,
    );
    expect(existsSync(strictOut)).toBe(false);
    expect(readdirSync(root).filter((name) => name.includes('.tmp-'))).toEqual([]);

    for (const engine of ['tfjs', 'onnx']) {
      const out = join(root, `lenient-${engine}.csv`);
      const lenient = await ok([
        'predict',
        '--run',
        run,
        '--data',
        file,
        '--out',
        out,
        '--bad-input',
        'skip',
        '--keep',
        'id',
        '--engine',
        engine,
      ]);
      expect(lenient.out).toContain('read 6 rows = 4 scored + 2 skipped + 0 filtered');
      expect(lenient.out).toMatch(
        /skipped 1: unknown id in id space "country" \(oov error\), first at .*new\.csv:6:country \(found "c-new"\)/,
      );
      expect(lenient.out).toMatch(
        /skipped 1: value is not a number, first at .*new\.csv:7:age \(found "abc"\)/,
      );
      const rows = readCsv(out);
      expect(rows.map((row) => row.row)).toEqual(['0', '1', '2', '3']);
      expect(rows.map((row) => row.id)).toEqual([
        'p5000',
        'unseen-education-1',
        'unseen-education-2',
        'p5001',
      ]);
      // Two different unseen educations share the reserved row: the same probabilities.
      expect(rows[1]!.income).toBe(rows[2]!.income);
      expect(rows[1]!.married).toBe(rows[2]!.married);
    }
  });

  it('names the field the model reads that the data lacks', async () => {
    const { fields, ...rest } = JSON.parse(readFileSync(files.config, 'utf8'));
    const config = join(census, 'no-country.yaml');
    writeFileSync(
      config,
      JSON.stringify({ ...rest, fields: fields.filter((f: { name: string }) => f.name !== 'country') }),
    );
    const result = await dtrn([
      'predict',
      '--run',
      run,
      '--data',
      files.test,
      '--dataset-config',
      config,
      '--out',
      join(root, 'x.csv'),
      '--backend',
      'wasm',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('the data has no sparse field "country", which the model reads');
  });

  it('scores the real OTTO sample through the prepared path with both engines, and refuses another data set', async () => {
    const otto = join(root, 'prepared-otto');
    const loader = join(root, 'otto-loader.yaml');
    writeFileSync(loader, 'clickLength: 8\ncartLength: 4\norderLength: 4\n');
    await ok(['prepare', 'otto', '--data', OTTO_SAMPLE, '--config', loader, '--out', otto, '--quiet']);
    const ottoRun = join(root, 'run-otto');
    writeFileSync(
      join(root, 'otto.yaml'),
      TRAIN(otto, 'dtrn-mmoe')
        .join('\n')
        .replace('embeddingDim: 8,', 'embeddingDim: 8, encoder: { feedForwardDim: 8 },'),
    );
    await ok(['train', '--config', join(root, 'otto.yaml'), '--out', ottoRun, '--quiet']);
    const tasks = ['click', 'cart', 'order'];
    const outs = ['tfjs', 'onnx'].map((engine) => join(root, `otto-${engine}.jsonl`));
    for (const [i, engine] of ['tfjs', 'onnx'].entries()) {
      const result = await ok([
        'predict',
        '--run',
        ottoRun,
        '--data',
        otto,
        '--split',
        'train',
        '--out',
        outs[i]!,
        '--engine',
        engine,
      ]);
      expect(result.out).toMatch(/read (\d+) rows = \1 scored \+ 0 skipped \+ 0 filtered/);
    }
    const [tfjs, onnx] = outs.map(readJsonl);
    expect(tfjs!.length).toBeGreaterThan(50);
    expect(Object.keys(tfjs![0]!)).toEqual(['row', ...tasks]);
    expect(maxDifference(tfjs!, onnx!, tasks)).toBeLessThanOrEqual(1e-5);
    const mismatch = await dtrn([
      'predict',
      '--run',
      ottoRun,
      '--data',
      prepared,
      '--out',
      join(root, 'y.csv'),
      '--backend',
      'wasm',
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain('the data has no sparse field "item", which the model reads');
  });
});
