/**
 * Bad data stops `train` before the first step, naming split, column and row or task; a dead task
 * tower is flagged in the progress output, results.json and the comparison table, and left out of
 * the means and gains.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCatalog } from '@dtrn/compare';
import { type InMemoryDataset, validateSchema } from '@dtrn/data';
import { writeShards } from '@dtrn/data/node';
import { tinyDataset } from '@dtrn/trainer/testing';
import { describe, expect, it } from 'vitest';
import { createProgram, loadDtrnCatalog } from '../src/program.js';
import type { RunResults } from '../src/report/results-file.js';
import { captureStreams } from './helpers/capture.js';
import { wrapCreate } from './helpers/wrap-catalog.js';

/** Runs the program in-process; `error` is what the binary would print after `dtrn: `. */
async function dtrn(args: string[], loadCatalog?: () => Promise<ModelCatalog>) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams, ...(loadCatalog ? { loadCatalog } : {}) });
  const error = await program.parseAsync(['node', 'dtrn', ...args]).then(
    () => null,
    (caught: unknown) => caught as Error,
  );
  return { exitCode: context.exitCode, error, out: streams.out(), err: streams.err() };
}

/** Shards of three tiny splits (user, item; click, conversion on clicks), written unvalidated. */
async function writeSplits(dir: string, edit: (split: string, data: InMemoryDataset) => InMemoryDataset) {
  const sizes = { train: 400, validation: 120, test: 120 };
  for (const [split, size] of Object.entries(sizes)) {
    const data = edit(split, tinyDataset({ size, seed: size }));
    await writeShards({ ...data, schema: validateSchema(data.schema) }, join(dir, split), {
      validate: false,
    });
  }
}

function withPrice(data: InMemoryDataset, row: number, value: number): InMemoryDataset {
  const price = new Float32Array(data.size).fill(2);
  price[row] = value;
  return { ...data, schema: { ...data.schema, denseFields: [{ name: 'price' }] }, dense: [price] };
}

describe('data checks before training (dtrn train)', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-data-health-'));

  const train = async (name: string, config: string[]) => {
    const file = join(root, `${name}.yaml`);
    writeFileSync(file, config.join('\n'));
    return dtrn([
      'train',
      '--config',
      file,
      '--model',
      'shared-bottom',
      '--out',
      join(root, `run-${name}`),
      '--backend',
      'wasm',
      '--progress',
      'plain',
    ]);
  };

  it('an empty test split fails before the first step', async () => {
    const result = await train('empty-test', [
      'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 600, sequenceLength: 5 }, split: { fractions: [0.9, 0.1, 0] } }',
    ]);
    expect(result.error?.message).toBe('test split (seed 0) is empty (expected at least one row)');
    expect(result.err).not.toContain(' step ');
  });

  it('an Infinity in a dense column names the split, the column and the row', async () => {
    const shards = join(root, 'infinite');
    await writeSplits(shards, (split, data) =>
      withPrice(data, 17, split === 'train' ? Number.POSITIVE_INFINITY : 1),
    );
    const result = await train('infinite', [`data: { kind: shards, path: ${JSON.stringify(shards)} }`]);
    expect(result.error?.message).toBe(
      'train split (seed 0): field dense/price, index 17: non-finite value in dense/price (expected a finite number, found Infinity)',
    );
    expect(result.err).not.toContain(' step ');
  });

  it('one class: an error where the AUC is used (validation with early stopping), else a warning', async () => {
    const shards = join(root, 'one-class');
    const noConversions = (only: string) => (split: string, data: InMemoryDataset) =>
      split === only ? { ...data, labels: [data.labels[0]!, new Float32Array(data.size)] } : data;
    await writeSplits(shards, noConversions('validation'));
    const data = `data: { kind: shards, path: ${JSON.stringify(shards)} }`;
    const result = await train('one-class', [data]);
    expect(result.error?.message).toMatch(
      /^validation split \(seed 0\): task "conversion" has no positives \(0 positives in \d+ rows of its sample space\), so its AUC is undefined/,
    );
    expect(result.err).not.toContain(' step ');
    // Without early stopping nothing selects on it; in the test split it is reported, not fatal.
    const testOnly = join(root, 'one-class-test');
    await writeSplits(testOnly, noConversions('test'));
    const trained = await train('one-class-test', [
      `data: { kind: shards, path: ${JSON.stringify(testOnly)} }`,
      'training: { epochs: 1, batchSize: 128 }',
      'modelOverrides: { embeddingDim: 4 }',
    ]);
    expect(trained.error).toBeNull();
    expect(trained.err).toMatch(
      /warning: test split \(seed 0\): task "conversion" has no positives in \d+ samples; its AUC will be n\/a/,
    );
    expect(trained.err).toMatch(
      /done: .* test AUC click 0\.\d{4} conversion n\/a \(no positives in \d+ samples\)/,
    );
  });

  it('an unknown monitor is refused with the closest name before training', async () => {
    const result = await train('monitor', [
      'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 600, sequenceLength: 5 } }',
      'training: { monitor: min-auc }',
    ]);
    expect(result.error?.message).toContain('training.monitor is invalid; did you mean "minAuc"?');
  });
});

/** The real presets, with the conversion tower of Shared-Bottom on `deadSeed` dead: every ReLU off. */
async function catalogWithDeadTower(deadSeed: number): Promise<ModelCatalog> {
  return wrapCreate(await loadDtrnCatalog(), (name, schema, options, base) => {
    const model = base.create(name, schema, options);
    if (name !== 'shared-bottom' || options.seed !== deadSeed) return model;
    const state = model.getState();
    const kernel = state.dense['head/tower/1/0/kernel']!;
    const bias = state.dense['head/tower/1/0/bias']!;
    model.setState({
      ...state,
      dense: {
        ...state.dense,
        'head/tower/1/0/kernel': { ...kernel, values: new Float32Array(kernel.values.length) },
        'head/tower/1/0/bias': { ...bias, values: new Float32Array(bias.values.length).fill(-10) },
      },
    });
    return model;
  });
}

describe('a dead task tower in a comparison', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dtrn-dead-tower-')), 'run');
  let result: Awaited<ReturnType<typeof dtrn>>;
  let results: RunResults;

  it('is flagged in the progress output after each evaluation', async () => {
    const config = join(out, '..', 'dead.yaml');
    writeFileSync(
      config,
      [
        'name: dead-tower',
        'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 2000, sequenceLength: 5, taskMode: independent } }',
        'models: [shared-bottom, dtrn-shared-bottom]',
        'seeds: 2',
        'training: { epochs: 2, batchSize: 256, learningRate: 0.005, patience: 1, monitor: minAuc }',
        'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { bottomUnits: [16], towerUnits: [8] } }',
        'bootstrap: { resamples: 50 }',
      ].join('\n'),
    );
    result = await dtrn(
      ['compare', '--config', config, '--out', out, '--backend', 'wasm', '--progress', 'plain'],
      () => catalogWithDeadTower(1),
    );
    expect(result.error).toBeNull();
    expect(result.exitCode).toBe(0);
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const epochLines = result.err
      .split('\n')
      .filter((line) => /^shared-bottom seed 1 epoch \d\/2 done/.test(line));
    expect(epochLines).toHaveLength(2);
    for (const line of epochLines) {
      expect(line).toContain('conversion 0.5000');
      expect(line).toContain('DEGENERATE: conversion (constant predictions; AUC exactly 0.5 every epoch)');
    }
    expect(result.err).not.toMatch(/seed 0 epoch .*DEGENERATE/);
    expect(result.err).not.toMatch(/dtrn-shared-bottom seed 1 epoch .*DEGENERATE/);
  });

  it('records the dead task in results.json and leaves it out of means, intervals and gains', () => {
    const dead = results.runs.find((run) => run.model === 'shared-bottom' && run.seed === 1)!;
    expect(dead.degenerate).toEqual([
      {
        task: 'conversion',
        reasons: ['constant-predictions', 'auc-0.5-every-epoch', 'constant-test-predictions'],
      },
    ]);
    expect(dead.test[1]!.auc).toBe(0.5);
    for (const run of results.runs.filter((r) => r !== dead)) expect(run.degenerate).toEqual([]);
    const healthy = results.runs.find((run) => run.model === 'shared-bottom' && run.seed === 0)!;
    const summary = results.summary.find((entry) => entry.model === 'shared-bottom')!;
    expect(summary.tasks[1]!.auc).toEqual({ mean: healthy.test[1]!.auc, std: 0, n: 1, degenerateSeeds: [1] });
    expect(summary.tasks[0]!.auc.n).toBe(2); // click is healthy on both seeds
    expect(summary.tasks[0]!.auc.degenerateSeeds).toBeUndefined();
    const gain = results.gains.find((entry) => entry.task === 'conversion')!;
    expect(gain).toMatchObject({ model: 'dtrn-shared-bottom', base: 'shared-bottom', excludedSeeds: [1] });
    expect(gain.perSeed).toHaveLength(1);
    expect(results.gains.find((entry) => entry.task === 'click')!.excludedSeeds).toBeUndefined();
  });

  it('flags it in the comparison table', () => {
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown.split('\n')[0]).toBe('# dtrn compare: dead-tower (FLAGGED)');
    expect(markdown).toContain(
      '**FLAGGED: degenerate tasks** (learned nothing; left out of means, intervals and gains): shared-bottom seed 1: conversion (constant validation predictions; validation AUC exactly 0.5 every epoch; constant test predictions).',
    );
    const row = markdown.split('\n').find((line) => line.startsWith('| shared-bottom |'))!;
    expect(row).toContain('(1 of 2 seeds degenerate, left out)');
    expect(markdown).toContain('(degenerate seeds 1 left out)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('FLAGGED: degenerate tasks');
    expect(result.err).toContain('FLAGGED: degenerate tasks');
  });
});
