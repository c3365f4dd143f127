/**
 * `dtrn prepare table` through the built binary, as a user runs it: a small table in CSV (list
 * sequence), JSON lines and Parquet (sequences from an event log) prepared into shards, then
 * `train` and `compare --data <dir>` on them with a tiny budget; bad input exits 2 with a located
 * message and leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixtureConfig, type TableFixture, writeTableFixture } from '@dtrn/prepare/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'dist', 'bin.js');
const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-table-'));

async function dtrn(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 2 ** 20 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

const SMALL =
  'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { towerUnits: [8], numExperts: 2, expertUnits: [8] } }';

async function prepare(name: string, config: Record<string, unknown>) {
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const out = join(root, `prepared-${name}`);
  const result = await dtrn(['prepare', 'table', '--config', file, '--out', out, '--progress', 'plain']);
  return { ...result, dir: out };
}

describe('dtrn prepare table, then train and compare on the shards', () => {
  let fixture: TableFixture;
  beforeAll(async () => {
    fixture = await writeTableFixture(join(root, 'data'));
  });

  it('prepares CSV with a list sequence and trains dtrn-mmoe on it', async () => {
    const prepared = await prepare('csv', fixtureConfig(fixture, { format: 'csv', sequences: 'list' }));
    expect(prepared.err).toContain('read: reading files with DuckDB');
    expect(prepared.code).toBe(0);
    expect(prepared.out).toMatch(/train +read \d+, used \d+, skipped 0, filtered 0/);
    expect(prepared.out).toContain('leakage check: no feature determines a label');
    const manifest = JSON.parse(readFileSync(join(prepared.dir, 'prepare.json'), 'utf8'));
    expect(manifest.rows.train + manifest.rows.validation + manifest.rows.test).toBe(fixture.samples.length);
    const config = join(root, 'train.yaml');
    writeFileSync(
      config,
      [
        'name: table-csv',
        'data: { kind: shards }',
        'model: dtrn-mmoe',
        'training: { epochs: 1, batchSize: 64, maxSteps: 3, patience: 0 }',
        SMALL,
      ].join('\n'),
    );
    const out = join(root, 'run-train');
    const trained = await dtrn([
      'train',
      '--config',
      config,
      '--data',
      prepared.dir,
      '--out',
      out,
      '--backend',
      'wasm',
      '--quiet',
    ]);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    // The prepared raw-id vocabularies travel into the run (for dtrn export).
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'vocabularies.json'), 'utf8')))).toEqual([
      'item',
      'category',
    ]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(JSON.stringify(results)).toContain('"click"');
  });

  it('prepares JSON lines and Parquet with sequences from an event log, and compares on them', async () => {
    const jsonl = await prepare('jsonl', fixtureConfig(fixture, { format: 'jsonl', sequences: 'events' }));
    const parquet = await prepare(
      'parquet',
      fixtureConfig(fixture, { format: 'parquet', sequences: 'events' }),
    );
    expect(jsonl.code).toBe(0);
    expect(parquet.code).toBe(0);
    expect(readFileSync(join(parquet.dir, 'train', 'manifest.json'), 'utf8')).toContain('"cart"');
    const config = join(root, 'compare.yaml');
    writeFileSync(
      config,
      [
        'name: table-events',
        'data: { kind: shards }',
        'models: [mmoe, dtrn-mmoe]',
        'seeds: 1',
        'training: { epochs: 1, batchSize: 64, maxSteps: 2, patience: 0 }',
        'check: { enabled: false }',
        SMALL,
      ].join('\n'),
    );
    const out = join(root, 'run-compare');
    const compared = await dtrn([
      'compare',
      '--config',
      config,
      '--data',
      parquet.dir,
      '--out',
      out,
      '--backend',
      'wasm',
      '--quiet',
    ]);
    expect(compared.err).toBe('');
    expect(compared.code).toBe(0);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  });

  it('exits 2 on bad input with file, line and column, leaving no --out behind', async () => {
    const file = join(root, 'bad.csv');
    writeFileSync(
      file,
      `${readFileSync(fixture.files.csv, 'utf8').replace(/\n(u\d+,i\d+,c\d+,)[\d.]+,/, '\n$1cheap,')}`,
    );
    const prepared = await prepare('bad', {
      ...fixtureConfig(fixture, { format: 'csv', sequences: 'none' }),
      file,
    });
    expect(prepared.code).toBe(2);
    expect(prepared.err).toMatch(/bad\.csv:2:price: bad input: value is not a number.*found "cheap"/);
    expect(existsSync(prepared.dir)).toBe(false);
  });
});
