/**
 * The census-income presets: the examples' dataset configs are the presets' tables, `--data` takes
 * the raw file or a prepared directory, and `compare` / `train` / `evaluate` run end to end on a
 * census-shaped file (made up, `helpers/census-sample.ts`): the table is prepared into the run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTableConfigFile } from '@dtrn/prepare';
import { describe, expect, it } from 'vitest';
import { compareConfigFromFlags } from '../src/commands/compare.js';
import { trainConfigFromFlags } from '../src/commands/train.js';
import type { RunResults } from '../src/compare/results-types.js';
import { resolveCompareConfig } from '../src/compare/run-compare.js';
import { CENSUS_INCOME_GROUP_1, CENSUS_INCOME_GROUP_2 } from '../src/config/census-income.js';
import { CENSUS_INCOME_MODELS, comparePreset } from '../src/config/compare-presets.js';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';
import { writeCensusSample } from './helpers/census-sample.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples', 'census-income');
const root = mkdtempSync(join(tmpdir(), 'dtrn-census-'));
const sample = writeCensusSample(join(root, 'census-income.test.gz'), 3000);

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'dtrn', ...args]);
  } catch (caught) {
    error = caught;
  }
  return { code: context.exitCode, error, out: streams.out(), err: streams.err() };
}

describe('census-income dataset configs', () => {
  it.each([
    ['dataset.yaml', CENSUS_INCOME_GROUP_1],
    ['dataset-group2.yaml', CENSUS_INCOME_GROUP_2],
  ])("examples/census-income/%s is the preset's table plus a file", async (file, table) => {
    const { file: path, ...config } = await readTableConfigFile(join(EXAMPLES, file));
    expect(path).toBe('../../../shared/data/census-income/census-income.test.gz');
    expect(config).toEqual(table);
  });

  it("keeps each group's labels out of its features", () => {
    const features = (table: Readonly<Record<string, unknown>>) =>
      (table.fields as { name: string }[]).map((field) => field.name);
    for (const table of [CENSUS_INCOME_GROUP_1, CENSUS_INCOME_GROUP_2]) {
      for (const label of ['marital_stat', 'income_50k', 'instance_weight']) {
        expect(features(table)).not.toContain(label);
      }
    }
    expect(features(CENSUS_INCOME_GROUP_1)).toContain('education');
    expect(features(CENSUS_INCOME_GROUP_2)).not.toContain('education');
  });
});

describe('the census-income compare preset', () => {
  it("has the heads and TRM-only DTRN on each, at torch-rechub's sizes", () => {
    const preset = comparePreset('census-income');
    expect(preset.models).toEqual([...CENSUS_INCOME_MODELS]);
    expect(preset.modelOverrides).toMatchObject({ embeddingDim: 4 });
    expect(preset.training).toMatchObject({ batchSize: 1024 });
    const heads = Object.fromEntries(
      Object.entries(preset.perModel!).map(([model, settings]) => [model, settings.headArgs]),
    );
    expect(heads['shared-bottom']).toEqual({ bottomUnits: [117], towerUnits: [8] });
    expect(heads['dtrn-shared-bottom-no-tim']).toEqual(heads['shared-bottom']);
    expect(heads.mmoe).toEqual({ numExperts: 8, expertUnits: [16], towerUnits: [8] });
    expect(heads['dtrn-mmoe-no-tim']).toEqual(heads.mmoe);
    expect(heads.ple).toEqual({
      numLevels: 1,
      numTaskExperts: 2,
      numSharedExperts: 1,
      expertUnits: [16],
      towerUnits: [8],
    });
    expect(heads['dtrn-ple-no-tim']).toEqual(heads.ple);
  });

  it('takes --data as the raw file (a table) or as a prepared directory (shards)', async () => {
    const raw = resolveCompareConfig(await compareConfigFromFlags({ preset: 'census-income', data: sample }));
    expect(raw.data).toEqual({ kind: 'table', config: CENSUS_INCOME_GROUP_1, path: sample });
    const train = await trainConfigFromFlags({ preset: 'census-income-group2', model: 'mmoe', data: sample });
    expect(train.data).toEqual({ kind: 'table', config: CENSUS_INCOME_GROUP_2, path: sample });
  });

  it('without --data says which file it needs', async () => {
    const config = await compareConfigFromFlags({ preset: 'census-income' });
    expect(() => resolveCompareConfig(config)).toThrow(
      'data.path is required: the census-income dataset config names no file (--data <file>)',
    );
    const missing = await compareConfigFromFlags({ preset: 'census-income', data: join(root, 'nope.gz') });
    expect(() => resolveCompareConfig(missing)).toThrow(`data.path: ${join(root, 'nope.gz')} does not exist`);
  });
});

describe('dtrn compare --preset census-income --data <raw file>', () => {
  const out = join(root, 'compare');
  const budget = ['--seeds', '1', '--epochs', '1', '--max-steps', '2', '--backend', 'wasm'];

  it('prepares the table into the run once and trains every listed model on it', async () => {
    const models = 'shared-bottom,dtrn-mmoe-no-tim';
    const run = await dtrn([
      ...['compare', '--preset', 'census-income', '--data', sample, '--models', models, '--out', out],
      ...[...budget, '--progress', 'plain'],
    ]);
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    expect(run.err).toContain('preparing the census-income dataset config on');
    expect(run.err).toMatch(/train +read \d+, used \d+, skipped 0, filtered 0/);
    for (const file of ['prepare.json', 'vocabularies.json', 'train/manifest.json', 'test/manifest.json']) {
      expect(existsSync(join(out, 'prepared', file)), file).toBe(true);
    }
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.tasks).toEqual(['income', 'never_married']);
    expect(results.models).toEqual(['shared-bottom', 'dtrn-mmoe-no-tim']);
    expect(results.data).toContain(`the census-income dataset config on ${sample}, prepared into`);
    // --resume keeps the prepared table (and the finished models).
    const resumed = await dtrn([
      ...['compare', '--preset', 'census-income', '--data', sample, '--models', models, '--out', out],
      ...[...budget, '--progress', 'plain', '--resume'],
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain(`using the table prepared in ${join(out, 'prepared')}`);
    expect(resumed.err).not.toContain('preparing the census-income');
  });

  it('trains one model, then evaluates it from the prepared table after the raw file is gone', async () => {
    const file = writeCensusSample(join(root, 'moved.test.gz'), 2000, 2);
    const trainOut = join(root, 'train');
    const trained = await dtrn([
      ...['train', '--preset', 'census-income-group2', '--model', 'dtrn-ple-no-tim', '--data', file],
      ...['--out', trainOut, '--epochs', '1', '--max-steps', '2', '--backend', 'wasm', '--quiet'],
    ]);
    expect(trained.error).toBeNull();
    expect(trained.code).toBe(0);
    const results = JSON.parse(readFileSync(join(trainOut, 'results.json'), 'utf8')) as RunResults;
    expect(results.tasks).toEqual(['college', 'never_married']);
    rmSync(file);
    const evaluated = await dtrn(['evaluate', '--run', trainOut, '--backend', 'wasm', '--quiet']);
    expect(evaluated.error).toBeNull();
    expect(evaluated.code).toBe(0);
    expect(existsSync(join(trainOut, 'evaluation-test.json'))).toBe(true);
  });

  it('also takes the directory dtrn prepare table wrote', async () => {
    const prepared = join(out, 'prepared');
    const run = await dtrn([
      ...['compare', '--preset', 'census-income', '--data', prepared, '--models', 'mmoe'],
      ...['--out', join(root, 'compare-prepared'), ...budget, '--quiet'],
    ]);
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    expect(existsSync(join(root, 'compare-prepared', 'prepared'))).toBe(false);
    const results = JSON.parse(readFileSync(join(root, 'compare-prepared', 'results.json'), 'utf8'));
    expect(results.data).toBe(`shards at ${prepared}`);
  });
});
