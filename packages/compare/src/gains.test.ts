import { deriveSeed } from '@dtrn/base';
import { splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { auc, pairedBootstrapDiff } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import { computeGains, degenerateExclusion, withAucIntervals } from './gains.js';
import type { ModelRun } from './results.js';
import { inSampleSpace, seedScores } from './sample-space.js';
import { summariseModels } from './summarise.js';

const data = generateMultiBehaviorData(
  syntheticPreset('full-conflict', 'tiny', { seed: 3, numSamples: 1500, sequenceLength: 5 }),
);
const { test } = splitDataset(data, { by: 'user', fractions: [0.6, 0.1, 0.3], seed: 3 });
const oracle = ['click', 'conversion'].map((task) => test.extras![`oracle/${task}`]!);
const noise = oracle.map(() => Float32Array.from({ length: test.size }, (_, i) => (i * 7919) % 101));
const TASKS = ['click', 'conversion'];
const PAIR = [{ model: 'b', base: 'a' }];
const BOOTSTRAP = { resamples: 200, confidence: 0.95 };

const scoresOf = (a: readonly Float32Array[], b: readonly Float32Array[]) =>
  seedScores(
    test,
    new Map([
      ['a', a],
      ['b', b],
    ]),
  );

describe('sample spaces', () => {
  it('keeps the rows whose mask is 1, and every row without a mask', () => {
    const values = Float32Array.from([1, 2, 3, 4]);
    expect(inSampleSpace(values, Float32Array.from([1, 0, 1, 0]))).toEqual(Float32Array.from([1, 3]));
    expect(inSampleSpace(values, undefined)).toBe(values);
    const scores = scoresOf(oracle, noise);
    const clicked = test.sampleMasks[1]!.reduce((sum, value) => sum + value, 0);
    expect(scores.get('click')!.labels).toHaveLength(test.size);
    expect(scores.get('conversion')!.labels).toHaveLength(clicked);
    expect(scores.get('conversion')!.scores.get('b')).toHaveLength(clicked);
  });
});

describe('computeGains', () => {
  it('is exactly 0 for identical predictions and a win for the oracle against noise', () => {
    const same = computeGains([scoresOf(oracle, oracle)], PAIR, TASKS, BOOTSTRAP, 0);
    expect(same.map((gain) => [gain.estimate, gain.lower, gain.upper, gain.verdict])).toEqual([
      [0, 0, 0, 'tie'],
      [0, 0, 0, 'tie'],
    ]);
    const gains = computeGains([scoresOf(noise, oracle)], PAIR, TASKS, BOOTSTRAP, 0);
    for (const gain of gains) {
      expect(gain.lower).toBeGreaterThan(0);
      expect(gain.probabilityPositive).toBe(1);
      expect(gain.verdict).toBe('win');
    }
  });

  it('measures conversion on its sample space, seeded per interval or with one fixed seed', () => {
    const reversed = oracle.map((logits) => logits.map((value) => -value));
    const scores = [scoresOf(oracle, reversed)];
    const [, conversion] = computeGains(scores, PAIR, TASKS, BOOTSTRAP, 0);
    const mask = test.sampleMasks[1]!;
    const labels = inSampleSpace(test.labels[1]!, mask);
    const kept = inSampleSpace(oracle[1]!, mask);
    expect(conversion!.estimate).toBeCloseTo(1 - auc(labels, kept) - auc(labels, kept), 10);
    // One seed: the pooled interval is the paired bootstrap of that seed, seeded per (model, task).
    const paired = (seed: number) =>
      pairedBootstrapDiff(labels, kept, inSampleSpace(reversed[1]!, mask), { ...BOOTSTRAP, seed });
    expect(conversion!.lower).toBe(paired(deriveSeed(0, 'gain', 'b', 'conversion')).lower);
    const [, fixed] = computeGains(scores, PAIR, TASKS, { ...BOOTSTRAP, seed: 9 }, 0);
    expect([fixed!.lower, fixed!.upper]).toEqual([paired(9).lower, paired(9).upper]);
  });

  it('leaves degenerate seeds out and lists them, and skips a task with one class', () => {
    const perSeed = [scoresOf(noise, oracle), scoresOf(noise, oracle)];
    const runs = [
      { model: 'b', seed: 7, degenerate: [{ task: 'click', reasons: ['constant-test-predictions'] }] },
    ] as unknown as ModelRun[];
    const gains = computeGains(perSeed, PAIR, TASKS, BOOTSTRAP, 0, [7, 8], degenerateExclusion(runs, [7, 8]));
    expect(gains.map((gain) => [gain.task, gain.perSeed.length, gain.excludedSeeds])).toEqual([
      ['click', 1, [7]],
      ['conversion', 2, undefined],
    ]);
    const oneClass = seedScores(
      { ...test, labels: [test.labels[0]!.map(() => 1), test.labels[1]!] },
      new Map([
        ['a', noise],
        ['b', oracle],
      ]),
    );
    expect(computeGains([oneClass], PAIR, TASKS, BOOTSTRAP, 0).map((gain) => gain.task)).toEqual([
      'conversion',
    ]);
  });
});

describe('withAucIntervals', () => {
  it('adds a pooled interval around each model mean, null when every seed is left out', () => {
    const run = (model: string, seed: number, degenerate: string[] = []) =>
      ({
        model,
        seed,
        test: TASKS.map((task) => ({ task, auc: 0.6 })),
        degenerate: degenerate.map((task) => ({ task, reasons: ['constant-test-predictions'] })),
      }) as unknown as ModelRun;
    const runs = [run('a', 1), run('b', 1, ['click'])];
    const summary = withAucIntervals(
      summariseModels(['a', 'b'], TASKS, runs),
      [scoresOf(noise, oracle)],
      BOOTSTRAP,
      1,
      degenerateExclusion(runs, [1]),
    );
    const b = summary[1]!.tasks;
    expect(b[0]).toMatchObject({ aucInterval: null, auc: { mean: null, n: 0, degenerateSeeds: [1] } });
    expect(b[1]!.aucInterval!.lower).toBeGreaterThan(0.5);
    expect(summary[0]!.tasks[0]!.aucInterval!.upper).toBeLessThan(0.6);
  });
});
