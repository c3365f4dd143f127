/**
 * Seeded results stay identical: a tiny comparison (own-run check), a calibrated one (conflict
 * setting) and a single training run, with the real model presets on wasm, pinned to the numbers
 * they gave when this test was written. A refactor that changes any of them changes behaviour.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompare } from '../src/compare/run-compare.js';
import { runTrain } from '../src/compare/run-train.js';
import type { CompareConfigInput } from '../src/config/run-configs.js';
import { dtrnCatalog } from '../src/models/dtrn-catalog.js';
import type { RunResults } from '../src/report/results-file.js';

const DATA = {
  kind: 'synthetic',
  setting: 'control',
  size: 'tiny',
  // conversion on every row: the cascade leaves too few conversions in 100-row splits
  generator: { numSamples: 1000, sequenceLength: 5, taskMode: 'independent' },
} as const;

const MODEL = { embeddingDim: 8, encoder: { feedForwardDim: 8 } };
const HEADS = {
  'shared-bottom': { headArgs: { bottomUnits: [16], towerUnits: [8] } },
  ple: { headArgs: { expertUnits: [8], towerUnits: [8] } },
  'dtrn-ple': { headArgs: { expertUnits: [8], towerUnits: [8] } },
};
const TRAINING = { epochs: 2, batchSize: 128, learningRate: 0.005, patience: 1 };

const COMPARISON: CompareConfigInput = {
  name: 'seeded',
  data: DATA,
  models: ['shared-bottom', 'ple', 'dtrn-ple'],
  seeds: 2,
  firstSeed: 5,
  training: TRAINING,
  modelOverrides: MODEL,
  perModel: HEADS,
  bootstrap: { resamples: 60 },
};

/** Recorded on wasm when this test was written (`fixtures/seeded-results.json`). */
const PINNED = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'seeded-results.json'), 'utf8'),
) as Record<'control' | 'calibrated' | 'train', unknown>;

const root = mkdtempSync(join(tmpdir(), 'dtrn-seeded-'));
const common = { catalog: dtrnCatalog, backend: 'wasm' as const, progress: 'quiet' as const };

/** The numbers a comparison's results are made of (not times, not dates). */
function numbersOf(results: RunResults) {
  return {
    runs: results.runs.map((run) => ({
      run: `${run.model}/${run.seed}`,
      steps: run.steps,
      auc: run.test.map((task) => task.auc),
      logloss: run.test.map((task) => task.logloss),
      validationAuc: run.history.map((epoch) => epoch.validationAuc),
    })),
    summary: results.summary.map((model) => ({
      model: model.model,
      tasks: model.tasks.map((task) => [
        task.auc.mean,
        task.auc.std,
        task.aucInterval?.lower,
        task.aucInterval?.upper,
      ]),
    })),
    gains: results.gains.map((gain) => [
      `${gain.model}/${gain.base}/${gain.task}`,
      gain.estimate,
      gain.lower,
      gain.upper,
      gain.probabilityPositive,
      ...gain.perSeed,
    ]),
    oracles: results.oracles.map((oracle) => [`${oracle.task}/${oracle.kind}`, oracle.auc.mean]),
    check: results.check.tasks.map((row) => [
      row.task,
      row.modelAuc,
      row.sequenceOnlyOracleAuc,
      row.recovered,
    ]),
  };
}

describe('seeded results (wasm)', () => {
  it('a comparison on the control setting', async () => {
    const outcome = await runCompare({ ...common, config: COMPARISON, out: join(root, 'compare') });
    expect(numbersOf(outcome.results!)).toEqual(PINNED.control);
  });

  it('a calibrated comparison on a conflict setting', async () => {
    const outcome = await runCompare({
      ...common,
      config: {
        ...COMPARISON,
        data: { ...DATA, setting: 'gate-friendly' },
        models: ['shared-bottom'],
        perModel: { 'shared-bottom': HEADS['shared-bottom'] },
        seeds: 1,
      },
      out: join(root, 'calibrated'),
    });
    expect(outcome.results!.check.source).toBe('calibration');
    expect(numbersOf(outcome.results!)).toEqual(PINNED.calibrated);
  });

  it('a single training run', async () => {
    const outcome = await runTrain({
      ...common,
      config: {
        data: DATA,
        model: 'ple',
        modelOverrides: { ...MODEL, ...HEADS.ple },
        seed: 2,
        training: TRAINING,
      },
      out: join(root, 'train'),
    });
    expect(numbersOf(outcome.results!)).toEqual(PINNED.train);
  });
});
