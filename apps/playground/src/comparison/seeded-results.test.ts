import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolvePlaygroundConfig } from '../config/playground-config.js';
import type { ComparisonResult } from '../protocol.js';
import { runComparison } from './run-comparison.js';

/**
 * Seeded results stay identical: a tiny playground comparison's test metrics, AUC differences and
 * curve points, pinned per backend to the numbers they gave when this test was written
 * (`fixtures/seeded-results.json`). A refactor that changes any of them changes behaviour.
 */
const PINNED = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'seeded-results.json'), 'utf8'),
) as Record<string, unknown>;

const CONFIG = resolvePlaygroundConfig({
  setting: 'full-conflict',
  numSamples: 1500,
  sequenceLength: 4,
  models: ['ple', 'dtrn-ple', 'shared-bottom'],
  modelScale: 'tiny',
  steps: 8,
  batchSize: 64,
  evaluateEverySteps: 4,
  learningRate: 0.01,
  seed: 4,
});

function numbersOf(result: ComparisonResult, points: unknown[]) {
  return {
    models: result.models.map((model) => ({
      model: model.model,
      steps: model.steps,
      test: model.test.map((task) => [task.auc, task.gauc, task.logloss]),
      differences: model.differences.map((d) => [
        d.task,
        d.estimate,
        d.lower,
        d.upper,
        d.probabilityPositive,
      ]),
    })),
    oracles: result.oracles.map((oracle) => [`${oracle.task}/${oracle.kind}`, oracle.auc]),
    points,
  };
}

describe('seeded playground results', () => {
  it('match the numbers pinned for this backend', async () => {
    const points: unknown[] = [];
    const result = await runComparison(CONFIG, {
      emit: (event) => {
        if (event.type === 'progress')
          points.push([
            event.point.model,
            event.point.step,
            ...event.point.lossPerTask,
            ...event.point.validationAuc,
          ]);
      },
    });
    expect(numbersOf(result, points)).toEqual(PINNED[tf.getBackend()]);
  });
});
