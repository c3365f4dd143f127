/**
 * The MMoE generator as `dtrn compare` data (`kind: 'mmoe-synthetic'`) and `dtrn sweep` over its
 * correlation: config validation, the generated splits, and the sweep end to end on wasm (a small
 * size of the mmoe-correlation preset) with its files, table and chart.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareConfigFromFlags } from '../src/commands/compare.js';
import { parseSweepValues } from '../src/commands/sweep.js';
import { resolveCompareConfig } from '../src/compare/run-compare.js';
import { pointDirectory, withKey } from '../src/compare/run-sweep.js';
import { HEADS_AND_TRM_MODELS } from '../src/config/compare-presets.js';
import type { CompareConfigInput } from '../src/config/run-configs.js';
import { loadData } from '../src/data/load-data.js';
import { createProgram } from '../src/program.js';
import type { RunResults } from '../src/report/results-file.js';
import type { SweepTable } from '../src/report/sweep-data.js';
import { captureStreams } from './helpers/capture.js';

const BASE: CompareConfigInput = {
  data: { kind: 'mmoe-synthetic', correlation: 0.5, numSamples: 400 },
  models: ['shared-bottom'],
};

function withData(data: Record<string, unknown>): CompareConfigInput {
  return { ...BASE, data: { ...(BASE.data as object), ...data } as CompareConfigInput['data'] };
}

describe('mmoe-synthetic data config', () => {
  it('rejects bad generator knobs, naming the key and the closest valid one', () => {
    expect(() => resolveCompareConfig(withData({ generator: { inputDm: 20 } }))).toThrow(
      /data \(mmoe-synthetic\): .*unknown key "inputDm"; did you mean "inputDim"\?/,
    );
    expect(() => resolveCompareConfig(withData({ generator: { seed: 3 } }))).toThrow(
      'data.generator.seed is not a generator knob of mmoe-synthetic data',
    );
    expect(() => resolveCompareConfig(withData({ generator: { correlation: 0.1 } }))).toThrow(
      'data.generator.correlation is not a generator knob',
    );
    // Three tasks: pairwise cosines cannot go below -1/2.
    expect(() => resolveCompareConfig(withData({ correlation: -0.6, generator: { numTasks: 3 } }))).toThrow(
      /MmoeDataArgs\.correlation/,
    );
    expect(() => resolveCompareConfig(withData({ correlation: 1.5 }))).toThrow(/data\.correlation/);
    expect(() => resolveCompareConfig(withData({ fractions: [0.5, 0.1, 0.1] }))).toThrow(
      /SplitArgs\.fractions is invalid/,
    );
  });

  it('the preset: the heads and TRM on each at close budgets; --models keeps the head sizes', async () => {
    const preset = resolveCompareConfig(await compareConfigFromFlags({ preset: 'mmoe-correlation' }));
    expect(preset.models).toEqual([...HEADS_AND_TRM_MODELS]);
    expect(preset.data).toMatchObject({ kind: 'mmoe-synthetic', correlation: 1, numSamples: 10_000 });
    expect(preset.perModel['dtrn-mmoe-no-tim']).toEqual(preset.perModel.mmoe);
    const single = resolveCompareConfig(
      await compareConfigFromFlags({ preset: 'mmoe-correlation', models: 'single-task' }),
    );
    expect(single.perModel['single-task']).toEqual({ headArgs: { bottomUnits: [128], towerUnits: [8] } });
  });

  it('refuses --data: the rows are generated', async () => {
    await expect(
      compareConfigFromFlags({ preset: 'mmoe-correlation', data: 'x', backend: 'wasm', progress: 'quiet' }),
    ).rejects.toThrow('--data is for real data and shards');
  });

  it('generates the same rows and random split for a seed, other rows for another seed', async () => {
    const config = resolveCompareConfig(
      withData({ generator: { inputDim: 8 }, fractions: [0.5, 0.25, 0.25] }),
    );
    const a = await loadData(config.data, 3);
    const b = await loadData(config.data, 3);
    const c = await loadData(config.data, 4);
    expect([a.train.size, a.validation.size, a.test.size]).toEqual([200, 100, 100]);
    expect(a.schema.denseFields.map((field) => field.name)).toEqual([
      'x0',
      'x1',
      'x2',
      'x3',
      'x4',
      'x5',
      'x6',
      'x7',
    ]);
    expect(a.schema.tasks.map((task) => task.name)).toEqual(['task0', 'task1']);
    expect(a.schema.sequences).toBeUndefined();
    expect(Array.from(a.test.dense[0]!)).toEqual(Array.from(b.test.dense[0]!));
    expect(Array.from(a.test.dense[0]!)).not.toEqual(Array.from(c.test.dense[0]!));
    // Median-binarised labels: half the rows of all splits together are positive.
    const positives = [a.train, a.validation, a.test].reduce(
      (sum, split) => sum + split.labels[0]!.reduce((total, label) => total + label, 0),
      0,
    );
    expect(positives).toBe(200);
    expect(a.description).toBe('mmoe-synthetic correlation 0.5, 400 rows, 8 inputs, 2 tasks (seed 3)');
  });
});

describe('dtrn compare on mmoe-synthetic data', () => {
  it('trains on the generated rows from a YAML config and records the correlation', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dtrn-mmoe-'));
    const file = join(root, 'mmoe.yaml');
    writeFileSync(
      file,
      [
        'name: mmoe-small',
        'data: { kind: mmoe-synthetic, correlation: -0.25, numSamples: 500, generator: { inputDim: 6 } }',
        'models: [shared-bottom]',
        'seeds: 1',
        'modelOverrides: { embeddingDim: 1, encoder: { numHeads: 1 } }',
        'training: { epochs: 1, batchSize: 64 }',
      ].join('\n'),
    );
    const streams = captureStreams();
    const { program, context } = createProgram({ streams });
    const out = join(root, 'run');
    await program.parseAsync([
      'node',
      'dtrn',
      'compare',
      '--config',
      file,
      '--out',
      out,
      '--backend',
      'wasm',
    ]);
    expect(context.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.data).toBe('mmoe-synthetic correlation -0.25, 500 rows, 6 inputs, 2 tasks');
    expect(results.tasks).toEqual(['task0', 'task1']);
    expect(results.runs[0]!.test.map((metric) => metric.count)).toEqual([50, 50]);
    for (const metric of results.runs[0]!.test) expect(metric.auc).toBeGreaterThan(0.5);
    expect(results.check.applicable).toBe(false);
  });
});

describe('sweep helpers', () => {
  it('sets a dotted key in a copy, names point directories, parses values', () => {
    const config = withKey(BASE, 'data.correlation', -0.5);
    expect((config.data as { correlation: number }).correlation).toBe(-0.5);
    expect((BASE.data as { correlation: number }).correlation).toBe(0.5);
    expect(withKey(BASE, 'training.learningRate', 0.01).training).toEqual({ learningRate: 0.01 });
    expect(() => withKey(BASE, 'data..x', 1)).toThrow('is not a dotted config key');
    expect(() => withKey(BASE, 'models.x', 1)).toThrow('models is not an object');
    expect(pointDirectory('data.correlation', -0.5)).toBe('correlation=-0.5');
    expect(pointDirectory('models', 'a/b')).toBe('models=a_b');
    expect(parseSweepValues('1, 0.9,-0.5,ple')).toEqual([1, 0.9, -0.5, 'ple']);
    expect(() => parseSweepValues('1,,2')).toThrow('without empty entries');
  });

  it("checks every value's config before anything is written: a mistyped key names the closest one", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dtrn-sweep-typo-')), 'sweep');
    const { program } = createProgram({ streams: captureStreams() });
    await expect(
      program.parseAsync([
        'node',
        'dtrn',
        'sweep',
        '--preset',
        'mmoe-correlation',
        '--key',
        'data.corelation',
        '--values',
        '1,0',
        '--out',
        out,
      ]),
    ).rejects.toThrow(
      'sweep data.corelation = 1 (value 1): compare config.data: unknown key "corelation"; did you mean "correlation"?',
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('dtrn sweep --preset mmoe-correlation over data.correlation', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-sweep-'));
  const out = join(root, 'sweep');
  const small = join(root, 'small.json');
  const argv = [
    'node',
    'dtrn',
    'sweep',
    '--preset',
    'mmoe-correlation',
    '--config',
    small,
    '--models',
    'shared-bottom,dtrn-mmoe-no-tim',
    '--seeds',
    '2',
    '--key',
    'data.correlation',
    '--values',
    '1,-0.5',
    '--workers',
    '1',
    '--backend',
    'wasm',
    '--out',
    out,
    '--progress',
    'plain',
  ];
  let table: SweepTable;

  beforeAll(async () => {
    writeFileSync(
      small,
      JSON.stringify({ data: { numSamples: 600, generator: { inputDim: 10 } }, training: { epochs: 1 } }),
    );
    const streams = captureStreams();
    const { program, context } = createProgram({ streams });
    await program.parseAsync(argv);
    expect(context.exitCode).toBe(0);
    table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepTable;
  });

  it('runs one comparison per value with that correlation, and writes the sweep files', () => {
    for (const [value, directory] of [
      [1, 'correlation=1'],
      [-0.5, 'correlation=-0.5'],
    ] as const) {
      const config = JSON.parse(readFileSync(join(out, directory, 'config.json'), 'utf8'));
      expect(config.data).toMatchObject({ kind: 'mmoe-synthetic', correlation: value, numSamples: 600 });
      expect(existsSync(join(out, directory, 'report.html'))).toBe(true);
    }
    for (const file of ['sweep.json', 'sweep.md', 'sweep.svg', 'sweep.html']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    expect(table.key).toBe('data.correlation');
    expect(table.values).toEqual([-0.5, 1]); // ascending, as the chart's axis
    expect(table.models).toEqual(['shared-bottom', 'dtrn-mmoe-no-tim']);
    expect(table.tasks).toEqual(['task0', 'task1']);
  });

  it("tables each comparison's per-seed test AUC and its mean", () => {
    table.values.forEach((_, i) => {
      const results = JSON.parse(
        readFileSync(join(out, table.directories[i]!, 'results.json'), 'utf8'),
      ) as RunResults;
      for (const model of table.models) {
        for (const task of table.tasks) {
          const cell = table.cells[model]![task]![i]!;
          const aucs = results.runs
            .filter((run) => run.model === model)
            .map((run) => run.test.find((metric) => metric.task === task)!.auc);
          expect(cell.seeds.map((s) => s.auc)).toEqual(aucs);
          expect(cell.seeds.map((s) => s.seed)).toEqual([0, 1]);
          expect(cell.mean).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / aucs.length, 12);
        }
      }
    });
    const markdown = readFileSync(join(out, 'sweep.md'), 'utf8');
    expect(markdown).toContain('| model | -0.5 | 1 |');
    const cell = table.cells['shared-bottom']!.task0![1]!;
    expect(markdown).toContain(`${cell.mean!.toFixed(4)} ± ${cell.std!.toFixed(4)}`);
  });

  it('draws a dot per seed and a line per model and task, in a self-contained page', () => {
    const svg = readFileSync(join(out, 'sweep.svg'), 'utf8');
    // 2 models x 2 tasks x 2 values x 2 seeds
    expect(svg.match(/<circle /g)).toHaveLength(16);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray'); // the DTRN variant
    expect(svg).toContain(
      '<title>Test AUC by data.correlation: task0, task1; shared-bottom, dtrn-mmoe-no-tim</title>',
    );
    const html = readFileSync(join(out, 'sweep.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('correlation=-0.5/report.html');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('refuses a non-empty --out without --resume, and keeps finished comparisons with it', async () => {
    const refused = createProgram({ streams: captureStreams() });
    await expect(refused.program.parseAsync(argv)).rejects.toThrow(`--out ${out} is not empty`);
    const streams = captureStreams();
    const resumed = createProgram({ streams });
    await resumed.program.parseAsync([...argv, '--resume']);
    expect(resumed.context.exitCode).toBe(0);
    expect(streams.out() + streams.err()).not.toMatch(/ step \d+\//); // nothing trained again
    const again = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepTable;
    expect(again.cells).toEqual(table.cells);
  });
});
