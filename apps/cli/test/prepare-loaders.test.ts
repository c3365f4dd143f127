/**
 * `dtrn prepare otto|ali-ccp|aliexpress` as a user runs it: OTTO on the real sample, Ali-CCP and
 * AliExpress on hand-made files in their raw formats. Strict mode: a located error naming file,
 * line and field, and nothing left behind. Skip mode: the bad row counted (read = used + skipped +
 * filtered), then training from the prepared directory.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfigError, isDataError } from '@dtrn/base';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';
import { type BadRow, OTTO_SAMPLE, writeAliCcp, writeAliExpress, writeOtto } from './helpers/raw-data.js';

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  await program.parseAsync(['node', 'dtrn', ...args]);
  return { exitCode: context.exitCode, out: streams.out(), err: streams.err() };
}

async function failure(args: string[]): Promise<Error> {
  try {
    await dtrn(args);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected dtrn ${args.join(' ')} to fail`);
}

const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-loaders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A train config: a tiny model (head arguments of `headArgs`) and a two-step budget; the point is
 * the path from raw files to a trained model.
 */
function tinyTraining(name: string, headArgs: string): string {
  const path = join(root, `${name}-training.yaml`);
  writeFileSync(
    path,
    [
      'training: { epochs: 1, batchSize: 64, patience: 0, maxSteps: 2 }',
      'modelOverrides:',
      '  embeddingDim: 8',
      '  encoder: { feedForwardDim: 8, hypernetworkUnits: 8, poolingUnits: [8], taskEmbeddingDim: 4, behaviorEmbeddingDim: 4 }',
      `  headArgs: ${headArgs}`,
    ].join('\n'),
  );
  return path;
}

const PLE_HEAD = '{ expertUnits: [8], towerUnits: [4] }';

interface RowCounts {
  readonly file: string;
  readonly rowsRead: number;
  readonly rowsUsed: number;
  readonly rowsSkipped: number;
  readonly rowsFiltered: number;
  readonly skippedByReason: Record<string, number>;
}

interface LoaderCase {
  readonly kind: 'otto' | 'ali-ccp' | 'aliexpress';
  /** Writes the raw data (with the bad row when given) under `dir`; returns the --data path. */
  readonly write: (dir: string, bad?: BadRow) => string;
  readonly bad: BadRow;
  /** The located message of the bad row: file, line, column, field and reason. */
  readonly located: RegExp;
  /** The file holding the bad row, as the row accounting names it. */
  readonly badFile: RegExp;
  readonly config?: string;
  readonly model: string;
  readonly headArgs: string;
}

const cases: LoaderCase[] = [
  {
    kind: 'otto',
    write: (dir, bad) => {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'sessions.jsonl');
      writeOtto(path, bad);
      return path;
    },
    // Line 7 of the real sample becomes a session whose second event time is 1e999 (Infinity).
    bad: {
      line: 7,
      row: () =>
        '{"session":77,"events":[{"aid":1,"ts":1000,"type":"clicks"},{"aid":2,"ts":1e999,"type":"clicks"}]}',
    },
    located: /sessions\.jsonl:7:\d+: events\[1\]\.ts is not finite \[non-finite\] \(expected a finite number/,
    badFile: /sessions\.jsonl$/,
    model: 'dtrn-ple',
    headArgs: PLE_HEAD,
  },
  {
    kind: 'ali-ccp',
    write: (dir, bad) => {
      writeAliCcp(dir, { bad });
      return dir;
    },
    // Line 5: the value of feature 205 becomes 1e39 (finite as a double, Infinity as a float32).
    bad: { line: 5, row: (cells) => cells.join(',').replace('205\x02704\x031.0', '205\x02704\x031e39') },
    located:
      /sample_skeleton_train\.csv:5:\d+: value of field 205 overflows float32 \[non-finite\] \(expected a finite float32/,
    badFile: /sample_skeleton_train\.csv$/,
    config: 'minFrequency: 1\nbagLength: 4\n',
    model: 'dtrn-mmoe',
    headArgs: '{ numExperts: 2, expertUnits: [8], towerUnits: [4] }',
  },
  {
    kind: 'aliexpress',
    write: (dir, bad) => {
      writeAliExpress(dir, { bad });
      return dir;
    },
    // Line 4: numerical_1 = 1e39.
    bad: { line: 4, row: (cells) => [...cells.slice(0, 17), '1e39', ...cells.slice(18)].join(',') },
    located:
      /train\.csv:4:\d+: numerical_1 overflows float32 \[non-finite\] \(expected a finite float32.*found "1e39"\)/,
    badFile: /train\.csv$/,
    model: 'dtrn-ple-no-tim',
    headArgs: PLE_HEAD,
  },
];

/** Files beside `out` that a prepare of `out` may have left (its temporary directories). */
function leftovers(out: string): string[] {
  const name = out.split('/').at(-1)!;
  return readdirSync(join(out, '..')).filter((entry) => entry.startsWith(`.${name}.prepare-`));
}

function rowCounts(prepared: { provenance: { report: Record<string, unknown> } }): RowCounts[] {
  const report = prepared.provenance.report as { file?: RowCounts; files?: Record<string, RowCounts> };
  return report.file ? [report.file] : Object.values(report.files!);
}

describe.each(cases)('dtrn prepare $kind', (c) => {
  const dir = join(root, c.kind);
  const configArgs = c.config ? ['--config', join(dir, 'loader.yaml')] : [];
  if (c.config) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'loader.yaml'), c.config);
  }

  it('strict (default): a located error naming file, line and field; nothing left behind', async () => {
    const data = c.write(join(dir, 'bad'), c.bad);
    const out = join(dir, 'strict-out');
    const error = await failure(['prepare', c.kind, '--data', data, '--out', out, '-q', ...configArgs]);
    expect(isDataError(error)).toBe(true);
    expect(error.message).toMatch(c.located);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });

  it('skip: the bad row is counted, read = used + skipped + filtered, and training runs on the result', async () => {
    const data = c.write(join(dir, 'bad'), c.bad);
    const out = join(dir, 'prepared');
    const args = ['prepare', c.kind, '--data', data, '--out', out, '--bad-input', 'skip', ...configArgs];
    const result = await dtrn([...args, '--progress', 'plain']);
    expect(result.exitCode).toBe(0);
    expect(result.err).toMatch(/1 skipped \(non-finite 1\)/);
    expect(result.err).toMatch(/skipped: .*overflows float32|skipped: .*is not finite/);
    expect(result.out).toContain(`prepared ${out}`);
    const prepared = JSON.parse(readFileSync(join(out, 'prepare.json'), 'utf8'));
    const files = rowCounts(prepared);
    for (const file of files) {
      expect(file.rowsRead).toBe(file.rowsUsed + file.rowsSkipped + file.rowsFiltered);
    }
    const withBadRow = files.filter((file) => c.badFile.test(file.file));
    expect(withBadRow).toHaveLength(1);
    expect(withBadRow[0]).toMatchObject({ rowsSkipped: 1, skippedByReason: { 'non-finite': 1 } });
    expect(files.reduce((sum, file) => sum + file.rowsSkipped, 0)).toBe(1);
    expect(leftovers(out)).toEqual([]);

    const run = join(dir, 'run');
    const trained = await dtrn([
      'train',
      '--data',
      out,
      '--model',
      c.model,
      '--config',
      tinyTraining(c.kind, c.headArgs),
      '--out',
      run,
      '--backend',
      'wasm',
      '-q',
    ]);
    expect(trained.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
    const test = results.runs[0].test as { task: string; auc: number | null; gauc: number | null }[];
    const tasks = c.kind === 'otto' ? ['click', 'cart', 'order'] : ['click', 'conversion'];
    expect(test.map((task) => task.task)).toEqual(tasks);
    expect(typeof test[0]!.auc).toBe('number');
    // GAUC groups: OTTO sessions and Ali-CCP users (the schemas' group fields); AliExpress has none.
    expect(test[0]!.gauc === null).toBe(c.kind === 'aliexpress');
  });
});

describe('dtrn prepare --out', () => {
  const base = join(root, 'out-cases');
  mkdirSync(base, { recursive: true });
  const prepareOtto = (out: string, ...extra: string[]) =>
    dtrn(['prepare', 'otto', '--data', OTTO_SAMPLE, '--out', out, '-q', ...extra]);

  it('prepares the real OTTO sample strictly, refuses to replace it without --overwrite, replaces it with', async () => {
    const out = join(base, 'otto');
    expect((await prepareOtto(out)).exitCode).toBe(0);
    const first = readFileSync(join(out, 'prepare.json'), 'utf8');
    expect(JSON.parse(first).provenance.report.file).toMatchObject({
      rowsRead: 20,
      rowsUsed: 20,
      rowsSkipped: 0,
    });
    const trainShards = readdirSync(join(out, 'train'));

    const refused = await failure(['prepare', 'otto', '--data', OTTO_SAMPLE, '--out', out, '-q']);
    expect(isConfigError(refused)).toBe(true);
    expect(refused.message).toContain(`--out ${out} already holds prepared data`);
    expect(refused.message).toContain('--overwrite');
    expect(readFileSync(join(out, 'prepare.json'), 'utf8')).toBe(first);

    expect((await prepareOtto(out, '--overwrite', '--seed', '3')).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'prepare.json'), 'utf8')).seed).toBe(3);
    expect(readdirSync(join(out, 'train'))).not.toEqual(trainShards); // a new shard set, old files gone
    expect(readdirSync(join(out, 'train'))).toHaveLength(2);
    expect(leftovers(out)).toEqual([]);
  });

  it('never replaces a file or a directory it did not write, even with --overwrite', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, 'keep me');
    const onFile = await failure([
      'prepare',
      'otto',
      '--data',
      OTTO_SAMPLE,
      '--out',
      file,
      '--overwrite',
      '-q',
    ]);
    expect(isConfigError(onFile)).toBe(true);
    expect(onFile.message).toContain(`--out ${file} already exists and is not a directory`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const foreign = join(base, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'keep me');
    const onDirectory = await failure([
      'prepare',
      'otto',
      '--data',
      OTTO_SAMPLE,
      '--out',
      foreign,
      '--overwrite',
      '-q',
    ]);
    expect(onDirectory.message).toContain('is a non-empty directory not written by dtrn prepare');
    expect(readdirSync(foreign)).toEqual(['notes.txt']);

    const empty = join(base, 'empty');
    mkdirSync(empty);
    expect((await prepareOtto(empty)).exitCode).toBe(0);
    expect(readdirSync(empty).sort()).toEqual([
      'prepare.json',
      'test',
      'train',
      'validation',
      'vocabularies.json',
    ]);
  });

  it('removes the temporary directory a killed prepare left behind', async () => {
    const out = join(base, 'after-kill');
    // A pid that is not running (above the kernel's pid_max of 2^22).
    const orphan = join(base, '.after-kill.prepare-99999999-0badc0de');
    mkdirSync(join(orphan, 'train'), { recursive: true });
    expect((await prepareOtto(out)).exitCode).toBe(0);
    expect(existsSync(orphan)).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('prepared data without sequences, and compare on prepared data', () => {
  it('refuses dtrn-* models with TIM on AliExpress before training, naming the missing sequences', async () => {
    const raw = join(root, 'flat');
    writeAliExpress(raw, {});
    const out = join(root, 'flat', 'prepared');
    expect((await dtrn(['prepare', 'aliexpress', '--data', raw, '--out', out, '-q'])).exitCode).toBe(0);
    const run = join(root, 'flat', 'run');
    const error = await failure(['compare', '--preset', 'tiny', '--data', out, '--out', run, '-q']);
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain(
      'model "dtrn-ple": createModel: bottom "dtrn" needs behavior sequences (TIM)',
    );
    expect(error.message).toContain('but the schema has no sequences');
    expect(error.message).toContain('dtrn-ple-no-tim');
    // No model trained first: no finished run, no checkpoint.
    const written = existsSync(run) ? readdirSync(run, { recursive: true }).map(String) : [];
    expect(written.filter((path) => path.startsWith('runs') || path.startsWith('checkpoints/'))).toEqual([]);
  });

  it('compare --data <prepared Ali-CCP dir> trains every model and computes the gains', async () => {
    const raw = join(root, 'ccp-compare');
    writeAliCcp(raw, {});
    writeFileSync(join(raw, 'loader.yaml'), 'minFrequency: 1\nbagLength: 4\n');
    const out = join(raw, 'prepared');
    const prepared = await dtrn([
      'prepare',
      'ali-ccp',
      '--data',
      raw,
      '--config',
      join(raw, 'loader.yaml'),
      '--out',
      out,
      '-q',
    ]);
    expect(prepared.exitCode).toBe(0);
    const config = join(raw, 'compare.yaml');
    writeFileSync(
      config,
      [
        'training: { epochs: 1, batchSize: 64, patience: 0, maxSteps: 2 }',
        'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8, hypernetworkUnits: 8, poolingUnits: [8] } }',
        'bootstrap: { resamples: 20 }',
      ].join('\n'),
    );
    const run = join(raw, 'run');
    const result = await dtrn([
      'compare',
      '--preset',
      'tiny',
      '--config',
      config,
      '--data',
      out,
      '--seeds',
      '1',
      '--out',
      run,
      '--backend',
      'wasm',
      '-q',
    ]);
    expect(result.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
    expect(results.runs.map((r: { model: string }) => r.model)).toEqual(['shared-bottom', 'ple', 'dtrn-ple']);
    expect(results.gains.map((g: { model: string; task: string }) => `${g.model}/${g.task}`)).toEqual([
      'dtrn-ple/click',
      'dtrn-ple/conversion',
    ]);
  });
});
