/** prepare -> shards -> compare from a YAML config with JSON-lines output -> report; quiet mode; bench. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  await program.parseAsync(['node', 'dtrn', ...args]);
  return { exitCode: context.exitCode, out: streams.out(), err: streams.err() };
}

const SMALL_MODEL =
  'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { bottomUnits: [16], towerUnits: [8] } }';

describe('dtrn prepare, compare on shards, report', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-commands-'));
  const shards = join(root, 'prepared');
  const run = join(root, 'run');

  it('prepares synthetic data into split shards', async () => {
    const knobs = join(root, 'knobs.yaml');
    writeFileSync(knobs, 'numSamples: 1500\nsequenceLength: 8\n');
    const result = await dtrn([
      'prepare',
      'synthetic',
      '--setting',
      'control',
      '--size',
      'tiny',
      '--config',
      knobs,
      '--out',
      shards,
      '--rows-per-shard',
      '500',
      '--progress',
      'plain',
    ]);
    expect(result.exitCode).toBe(0);
    const prepared = JSON.parse(readFileSync(join(shards, 'prepare.json'), 'utf8'));
    expect(prepared.rows.train + prepared.rows.validation + prepared.rows.test).toBe(1500);
    for (const split of ['train', 'validation', 'test'])
      expect(existsSync(join(shards, split, 'manifest.json'))).toBe(true);
    expect(result.out).toContain(`prepared ${shards}`);
  });

  it('compares on the shards from a YAML config, emitting JSON lines only', async () => {
    const config = join(root, 'comparison.yaml');
    writeFileSync(
      config,
      [
        'name: shards-yaml',
        `data: { kind: shards, path: ${JSON.stringify(shards)} }`,
        'models: [shared-bottom]',
        'seeds: 1',
        'training: { epochs: 1, batchSize: 512, patience: 0 }',
        SMALL_MODEL,
        'bootstrap: { resamples: 50 }',
      ].join('\n'),
    );
    const result = await dtrn(['compare', '--config', config, '--out', run, '--backend', 'wasm', '--jsonl']);
    expect(result.exitCode).toBe(0);
    expect(result.err).toBe('');
    const events = result.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    const types = new Set(events.map((event) => event.type));
    for (const type of ['backend', 'info', 'progress', 'epoch', 'run-done', 'results'])
      expect(types.has(type), type).toBe(true);
    // One epoch: the JSON lines number it 1, as the progress lines and results do.
    const epochs = events.filter((event) => event.type === 'epoch') as unknown as { epoch: number }[];
    expect(epochs.map((event) => event.epoch)).toEqual([1]);
    const progress = events.filter((event) => event.type === 'progress') as unknown as { epoch: number }[];
    expect(new Set(progress.map((event) => event.epoch))).toEqual(new Set([1]));
    const final = events.at(-1) as {
      type: string;
      results: { name: string; check: { applicable: boolean } };
    };
    expect(final.type).toBe('results');
    expect(final.results.name).toBe('shards-yaml');
    expect(final.results.check.applicable).toBe(false); // no oracle on shards
  });

  it('regenerates report.html from results.json', async () => {
    rmSync(join(run, 'report.html'));
    const result = await dtrn(['report', '--run', run]);
    expect(result.out.trim()).toBe(join(run, 'report.html'));
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<title>dtrn compare: shards-yaml</title>');
    expect(html).toContain('Chart.js'); // the inlined UMD build's banner
    await expect(dtrn(['report', '--run', root])).rejects.toThrow(
      'is not a finished run: it has no results.json',
    );
  });
});

describe('meaningfulness check on a conflict setting', () => {
  it('runs a Shared-Bottom calibration on the control setting and reports it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dtrn-check-')), 'run');
    const config = join(out, '..', 'gate-friendly.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'calibrated',
        data: {
          kind: 'synthetic',
          setting: 'gate-friendly',
          size: 'tiny',
          // conversion on every row: the cascade leaves no conversion in an 80-row validation split
          generator: { numSamples: 800, sequenceLength: 5, taskMode: 'independent' },
        },
        models: ['shared-bottom'],
        seeds: 1,
        training: { epochs: 1, batchSize: 256 },
        modelOverrides: {
          embeddingDim: 8,
          encoder: { feedForwardDim: 8 },
          headArgs: { bottomUnits: [16], towerUnits: [8] },
        },
        bootstrap: { resamples: 50 },
      }),
    );
    const result = await dtrn(['compare', '--config', config, '--out', out, '--backend', 'wasm', '--quiet']);
    expect(result.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.check).toMatchObject({ applicable: true, source: 'calibration', threshold: 0.9 });
    expect(results.check.tasks).toHaveLength(2);
    expect(existsSync(join(out, 'runs', 'calibration-shared-bottom-control', 'seed-0.json'))).toBe(true);
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain(results.check.passed ? 'PASSED' : '**FLAGGED');
  });
});

describe('quiet mode and bench', () => {
  it('prints nothing in quiet mode and still writes results', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dtrn-quiet-')), 'run');
    const config = join(out, '..', 'train.json');
    writeFileSync(
      config,
      JSON.stringify({
        data: {
          kind: 'synthetic',
          setting: 'control',
          size: 'tiny',
          // conversion on every row: the cascade leaves no conversion in an 80-row validation split
          generator: { numSamples: 800, sequenceLength: 5, taskMode: 'independent' },
        },
        model: 'shared-bottom',
        modelOverrides: {
          embeddingDim: 8,
          encoder: { feedForwardDim: 8 },
          headArgs: { bottomUnits: [16], towerUnits: [8] },
        },
        training: { epochs: 1, batchSize: 256 },
      }),
    );
    const result = await dtrn(['train', '--config', config, '--out', out, '--backend', 'wasm', '--quiet']);
    expect(result).toEqual({ exitCode: 0, out: '', err: '' });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.kind).toBe('train');
    expect(results.models).toEqual(['shared-bottom']);
  });

  it('bench --quick prints a throughput table', async () => {
    const result = await dtrn([
      'bench',
      '--quick',
      '--models',
      'shared-bottom',
      '--steps',
      '2',
      '--backend',
      'wasm',
      '--progress',
      'plain',
    ]);
    expect(result.out).toMatch(/^\| shared-bottom \| \d+ \| \d+\.\d \| \d+ \| \d+ \| \d+ \| \d+ \|$/m);
  });
});
