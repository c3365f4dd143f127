import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkModelName } from '@dtrn/compare';
import { tinyCatalog } from '@dtrn/compare/testing';
import { describe, expect, it } from 'vitest';
import { compareConfigFromFlags } from '../src/commands/compare.js';
import { resolveCompareConfig } from '../src/compare/run-compare.js';
import { comparePreset } from '../src/config/compare-presets.js';
import { readConfigFile } from '../src/config/load-config.js';

const BASE = {
  data: { kind: 'synthetic', setting: 'control', size: 'tiny' },
  models: ['shared-bottom'],
} as const;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('compare --models on a preset', () => {
  it('gives every listed model the preset head sizes of its head family', async () => {
    const config = resolveCompareConfig(
      await compareConfigFromFlags({
        preset: 'full-conflict',
        models: 'shared-bottom,ple,dtrn-ple-no-tim,dtrn-mmoe,dtrn-shared-bottom,single-task',
      }),
    );
    const preset = comparePreset('full-conflict');
    const experts = preset.perModel!.ple!;
    const bottom = preset.perModel!['shared-bottom']!;
    expect(config.models).toEqual([
      'shared-bottom',
      'ple',
      'dtrn-ple-no-tim',
      'dtrn-mmoe',
      'dtrn-shared-bottom',
      'single-task',
    ]);
    expect(config.perModel).toEqual({
      'shared-bottom': bottom,
      ple: experts,
      'dtrn-ple-no-tim': experts,
      'dtrn-mmoe': experts,
      'dtrn-shared-bottom': bottom,
      'single-task': bottom,
    });
  });
});

describe('compare config validation', () => {
  it('fills defaults', () => {
    const config = resolveCompareConfig({ ...BASE });
    expect(config.seeds).toBe(3);
    expect(config.training).toMatchObject({ epochs: 5, batchSize: 1024, patience: 2, balancing: 'equal' });
    expect(config.bootstrap).toEqual({ resamples: 1000, confidence: 0.95 });
    expect(config.data).toMatchObject({ split: { by: 'user', fractions: [0.8, 0.1, 0.1] } });
  });

  it('names the closest key for an unknown top-level key', () => {
    expect(messageOf(() => resolveCompareConfig({ ...BASE, seed: 2 } as never))).toBe(
      'compare config: unknown key "seed"; did you mean "seeds"? (valid keys: name, description, data, models, seeds, firstSeed, training, modelOverrides, perModel, bootstrap, check)',
    );
  });

  it('names the key path and the closest key for a nested unknown key', () => {
    const message = messageOf(() => resolveCompareConfig({ ...BASE, training: { epoch: 3 } } as never));
    expect(message).toMatch(/^compare config\.training: unknown key "epoch"; did you mean "epochs"\?/);
  });

  it('names the closest key inside a data variant', () => {
    const message = messageOf(() =>
      resolveCompareConfig({ ...BASE, data: { ...BASE.data, setings: 'x' } } as never),
    );
    expect(message).toMatch(/^compare config\.data: unknown key "setings"; did you mean "setting"\?/);
  });

  it('suggests the closest enum value and data kind', () => {
    expect(
      messageOf(() =>
        resolveCompareConfig({ ...BASE, data: { ...BASE.data, setting: 'full-conflit' } } as never),
      ),
    ).toBe(
      'compare config.data.setting: invalid value "full-conflit"; did you mean "full-conflict"? (expected one of "control", "gate-friendly", "sequence-conflict", "full-conflict")',
    );
    expect(messageOf(() => resolveCompareConfig({ ...BASE, data: { kind: 'synthtic' } } as never))).toMatch(
      /^compare config\.data\.kind: invalid kind "synthtic"; did you mean "synthetic"\?/,
    );
  });

  it('range-checks values and lists every problem', () => {
    const message = messageOf(() =>
      resolveCompareConfig({ ...BASE, seeds: 0, training: { batchSize: 1.5, learningRate: -1 } } as never),
    );
    expect(message).toContain('compare config.seeds: Too small: expected number to be >=1');
    expect(message).toContain('compare config.training.batchSize: expected int, found 1.5');
    expect(message).toContain('compare config.training.learningRate: Too small: expected number to be >0');
  });

  it('rejects perModel entries for models outside the comparison', () => {
    expect(
      messageOf(() => resolveCompareConfig({ ...BASE, perModel: { 'shared-botom': {} } } as never)),
    ).toMatch(/perModel: "shared-botom" is not a model of this comparison; did you mean "shared-bottom"\?/);
  });

  it('names the closest model preset and comparison preset', () => {
    expect(messageOf(() => checkModelName(tinyCatalog(), 'shared-botom', 'models[0]'))).toBe(
      'models[0]: unknown model "shared-botom"; did you mean "shared-bottom"? (expected one of shared-bottom, wide-shared-bottom)',
    );
    expect(messageOf(() => comparePreset('quik'))).toMatch(
      /^--preset: unknown preset "quik"; did you mean "quick"\?/,
    );
  });

  it('accepts every built-in preset', () => {
    for (const name of ['tiny', 'quick', 'control', 'gate-friendly', 'sequence-conflict', 'full-conflict']) {
      expect(resolveCompareConfig(comparePreset(name)).name).toBe(name);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'dtrn-otto-')), 'otto.jsonl');
    writeFileSync(file, '');
    expect(
      resolveCompareConfig({ ...comparePreset('otto'), data: { kind: 'otto', path: file } }).data,
    ).toEqual({
      kind: 'otto',
      path: file,
      loader: {},
    });
  });
});

describe("the quick preset (the README's first run)", () => {
  it('is the measured cheap configuration: control setting, two models, one seed, two epochs, 48,001 training rows', () => {
    const quick = resolveCompareConfig(comparePreset('quick'));
    // docs/results/quick-preset.md measured this exact configuration; a change here needs a new measurement.
    expect(quick.data).toMatchObject({
      kind: 'synthetic',
      setting: 'control',
      size: 'small',
      generator: {
        numSamples: 60_000,
        numUsers: 2_400,
        numItems: 300,
        sequenceLength: 10,
        numCategories: 8,
        taskMode: 'independent',
      },
    });
    expect(quick.models).toEqual(['shared-bottom', 'dtrn-shared-bottom']);
    expect(quick.seeds).toBe(1);
    expect(quick.training).toMatchObject({ epochs: 2, batchSize: 256, learningRate: 0.005, patience: 0 });
    expect(quick.modelOverrides).toMatchObject({ embeddingDim: 24, encoder: { feedForwardDim: 48 } });
    // Both models share one head size (comparable budget), and the check is on (never weakened).
    expect(quick.perModel['dtrn-shared-bottom']).toEqual(quick.perModel['shared-bottom']);
    expect(quick.check).toEqual({ enabled: true, threshold: 0.9 });
  });
});

describe('config files and flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrn-config-'));

  it('reads YAML and merges preset, file and flags (flags win)', async () => {
    const file = join(dir, 'comparison.yaml');
    writeFileSync(file, 'training:\n  epochs: 4\n  batchSize: 128\nseeds: 5\n');
    const config = await compareConfigFromFlags({
      preset: 'tiny',
      config: file,
      seeds: 2,
      epochs: 7,
      backend: 'wasm',
      progress: 'quiet',
    });
    const resolved = resolveCompareConfig(config);
    expect(resolved.seeds).toBe(2);
    expect(resolved.training.epochs).toBe(7);
    expect(resolved.training.batchSize).toBe(128);
    expect(resolved.models).toEqual(['shared-bottom', 'ple', 'dtrn-ple']);
  });

  it('reports unparsable files and unknown extensions with the file name', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "seeds": ');
    await expect(readConfigFile(bad)).rejects.toThrow(
      `${bad}:1:12: not valid JSON: Unexpected end of JSON input`,
    );
    const toml = join(dir, 'c.toml');
    writeFileSync(toml, 'a = 1');
    await expect(readConfigFile(toml)).rejects.toThrow(`config file ${toml}: unknown extension ".toml"`);
  });

  it('accepts a UTF-8 byte order mark in JSON as in YAML', async () => {
    for (const name of ['bom.json', 'bom.yaml']) {
      const file = join(dir, name);
      writeFileSync(file, name.endsWith('.json') ? '\uFEFF{"seeds": 2}' : '\uFEFFseeds: 2\n');
      expect(await readConfigFile(file)).toEqual({ seeds: 2 });
    }
  });

  it('says what was expected for empty YAML and null JSON', async () => {
    const cases: [string, string, string][] = [
      ['empty.yaml', '', 'the file is empty (or holds only comments)'],
      ['comments.yml', '# nothing yet\n', 'the file is empty (or holds only comments)'],
      ['null.json', 'null', 'found null'],
      ['list.yaml', '- a\n', 'found an array'],
    ];
    for (const [name, text, found] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      await expect(readConfigFile(file)).rejects.toThrow(
        `config file ${file}: ${found}; expected an object of settings at the top level (keys such as name, data, training)`,
      );
    }
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, ' \n');
    await expect(readConfigFile(empty)).rejects.toThrow(
      `${empty}: the file is empty (expected a JSON value)`,
    );
  });

  it('says a number overflowed instead of "found null"', async () => {
    const json = join(dir, 'overflow.json');
    writeFileSync(json, '{"training": {"learningRate": 1e309}}');
    await expect(readConfigFile(json)).rejects.toThrow(
      `${json}:1:31, field training.learningRate: the number 1e309 overflows a double (it would become Infinity)`,
    );
    const yaml = join(dir, 'overflow.yaml');
    writeFileSync(yaml, 'training:\n  learningRate: 1e309\n');
    await expect(readConfigFile(yaml)).rejects.toThrow(
      `config file ${yaml}: training.learningRate is Infinity (expected a finite number (a value beyond ±1.8e308 overflows a double))`,
    );
  });

  it('refuses duplicate keys (JSON.parse would keep the last silently) and __proto__ keys', async () => {
    const json = join(dir, 'duplicate.json');
    writeFileSync(json, '{\n  "training": { "epochs": 2 },\n  "training": { "epochs": 9 }\n}');
    await expect(readConfigFile(json)).rejects.toThrow(
      `${json}:3:3, field training: duplicate key "training"`,
    );
    const yaml = join(dir, 'duplicate.yaml');
    writeFileSync(yaml, 'seeds: 2\nseeds: 3\n');
    await expect(readConfigFile(yaml)).rejects.toThrow('Map keys must be unique');
    const proto = join(dir, 'proto.yaml');
    writeFileSync(proto, 'training:\n  __proto__: { epochs: 1 }\n');
    await expect(readConfigFile(proto)).rejects.toThrow('the key "training.__proto__" is not allowed');
  });

  it('reads only regular files of a bounded size (a link to /dev/zero is refused, not read)', async () => {
    const link = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    await expect(readConfigFile(link)).rejects.toThrow(`${link}: not a regular file (a character device)`);
  });

  it('requires --data for real-data presets with a clear message', async () => {
    const config = await compareConfigFromFlags({ preset: 'otto', backend: 'wasm', progress: 'quiet' });
    expect(() => resolveCompareConfig(config)).toThrow('data.path is required for otto data (--data <path>)');
    expect(() => resolveCompareConfig({ ...config, data: { kind: 'ali-ccp', path: dir } })).toThrow(
      `data.path: ${dir} lacks sample_skeleton_train.csv`,
    );
    expect(() =>
      resolveCompareConfig({ ...config, data: { kind: 'otto', path: join(dir, 'missing.jsonl') } }),
    ).toThrow(`data.path: ${join(dir, 'missing.jsonl')} does not exist`);
  });

  it('rejects --data for synthetic presets', async () => {
    await expect(
      compareConfigFromFlags({ preset: 'tiny', data: 'x', backend: 'wasm', progress: 'quiet' }),
    ).rejects.toThrow('--data is for real data and shards');
  });
});
