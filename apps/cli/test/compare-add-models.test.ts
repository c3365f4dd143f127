/**
 * `dtrn compare --resume` on a finished comparison with more `--models`: only the new models train,
 * on the same data, split and seeds, and the results compare every model (gains, transfer); any
 * other change to the config is still refused.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompare } from '../src/compare/run-compare.js';
import type { CompareConfigInput } from '../src/config/run-configs.js';
import { dtrnCatalog } from '../src/models/dtrn-catalog.js';

const HEADS = {
  'shared-bottom': { headArgs: { bottomUnits: [16], towerUnits: [8] } },
  ple: { headArgs: { expertUnits: [8], towerUnits: [8] } },
  'single-task': { headArgs: { bottomUnits: [16], towerUnits: [8] } },
};

const COMPARISON: CompareConfigInput = {
  name: 'extend',
  data: {
    kind: 'synthetic',
    setting: 'full-conflict',
    size: 'tiny',
    generator: { numSamples: 1000, sequenceLength: 5, taskMode: 'independent' },
  },
  models: ['shared-bottom', 'ple'],
  seeds: 1,
  firstSeed: 2,
  training: { epochs: 1, batchSize: 128, learningRate: 0.005, patience: 0 },
  modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 } },
  perModel: { 'shared-bottom': HEADS['shared-bottom'], ple: HEADS.ple },
  bootstrap: { resamples: 60 },
  check: { enabled: false },
};

const EXTENDED: CompareConfigInput = {
  ...COMPARISON,
  models: ['ple', 'single-task', 'shared-bottom'],
  perModel: HEADS,
};

const root = mkdtempSync(join(tmpdir(), 'dtrn-add-models-'));
const common = { catalog: dtrnCatalog, backend: 'wasm' as const, progress: 'quiet' as const };

describe('dtrn compare --resume with more models', () => {
  it('trains only the added models and compares every model on the same data', async () => {
    const out = join(root, 'run');
    const first = await runCompare({ ...common, config: COMPARISON, out });
    const runFile = join(out, 'runs', 'ple', 'seed-2.json');
    const writtenAt = statSync(runFile).mtimeMs;

    const trained = new Set<string>();
    const extended = await runCompare({
      ...common,
      config: EXTENDED,
      out,
      resume: true,
      onProgress: (_event, model) => {
        trained.add(model);
      },
    });
    expect([...trained]).toEqual(['single-task']);
    expect(statSync(runFile).mtimeMs).toBe(writtenAt);
    const results = extended.results!;
    expect(results.runs.map((run) => run.model).sort()).toEqual(['ple', 'shared-bottom', 'single-task']);
    // The kept runs are the first run's, number for number.
    for (const model of ['shared-bottom', 'ple']) {
      const auc = (r: typeof results) => r.runs.find((run) => run.model === model)!.test.map((t) => t.auc);
      expect(auc(results)).toEqual(auc(first.results!));
    }
    // The added model saw the same data: a fresh comparison with all three gives it the same AUCs.
    const fresh = await runCompare({ ...common, config: EXTENDED, out: join(root, 'fresh') });
    const singleTask = (r: typeof results) =>
      r.runs.find((run) => run.model === 'single-task')!.test.map((t) => t.auc);
    expect(singleTask(results)).toEqual(singleTask(fresh.results!));
    expect(results.transfer!.map((gain) => `${gain.model}/${gain.base}/${gain.task}`)).toEqual([
      'ple/single-task/click',
      'ple/single-task/conversion',
      'shared-bottom/single-task/click',
      'shared-bottom/single-task/conversion',
    ]);
  });

  it('refuses a resume that drops a model or changes a kept model', async () => {
    const out = join(root, 'refuse');
    await runCompare({ ...common, config: COMPARISON, out });
    await expect(
      runCompare({
        ...common,
        config: { ...COMPARISON, models: ['ple'], perModel: { ple: HEADS.ple } },
        out,
        resume: true,
      }),
    ).rejects.toThrow("--resume: the config differs from the run's config.json in models");
    const changed = {
      ...EXTENDED,
      perModel: { ...HEADS, ple: { headArgs: { expertUnits: [12], towerUnits: [8] } } },
    };
    await expect(runCompare({ ...common, config: changed, out, resume: true })).rejects.toThrow(
      "--resume: the config differs from the run's config.json in perModel.ple.headArgs.expertUnits (",
    );
  });
});
