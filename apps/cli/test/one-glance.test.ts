/** The one-glance block of `compare`: winner, margin and interval per task, and the check in words. */

import type { GainInterval, MeaningfulnessCheck } from '@dtrn/compare';
import { describe, expect, it } from 'vitest';
import { formatOneGlance, gainSentence, oneGlance } from '../src/report/one-glance.js';
import type { RunResults } from '../src/report/results-file.js';
import { formatResultsMarkdown } from '../src/report/results-markdown.js';

const TASKS = ['click', 'conversion'];

function gain(task: string, estimate: number, lower: number, upper: number): GainInterval {
  const verdict = lower > 0 ? 'win' : upper < 0 ? 'loss' : 'tie';
  return {
    model: 'dtrn-ple',
    base: 'ple',
    task,
    estimate,
    lower,
    upper,
    confidence: 0.95,
    probabilityPositive: 0.5,
    perSeed: [estimate],
    verdict,
  };
}

function check(
  recovered: readonly number[],
  source: 'own-run' | 'calibration' = 'calibration',
): MeaningfulnessCheck {
  return {
    applicable: true,
    note: 'shared-bottom trained with this comparison’s size, knobs and budget on the control setting, seed 0',
    threshold: 0.9,
    source,
    tasks: TASKS.map((task, i) => ({
      task,
      modelAuc: 0.5 + 0.38 * recovered[i]!,
      sequenceOnlyOracleAuc: 0.88,
      recovered: recovered[i]!,
      passed: recovered[i]! >= 0.9,
    })),
    passed: recovered.every((value) => value >= 0.9),
  };
}

function results(overrides: Partial<RunResults>): RunResults {
  const auc = (mean: number) => ({ mean, std: null, n: 1 });
  const summary = (model: string, aucs: readonly number[]) => ({
    model,
    tasks: TASKS.map((task, i) => ({
      task,
      auc: auc(aucs[i]!),
      gauc: auc(aucs[i]!),
      logloss: auc(0.3),
      aucInterval: { lower: aucs[i]! - 0.01, upper: aucs[i]! + 0.01, confidence: 0.95 },
    })),
  });
  return {
    format: 'dtrn-run-results',
    version: 1,
    kind: 'compare',
    name: 'quick',
    description: '',
    data: 'synthetic full-conflict/small, 60000 rows',
    createdAt: '2026-12-07T00:00:00.000Z',
    backend: { summary: 'wasm' } as RunResults['backend'],
    tasks: TASKS,
    models: ['ple', 'dtrn-ple'],
    seeds: [0],
    runs: [],
    summary: [summary('ple', [0.84, 0.83]), summary('dtrn-ple', [0.842, 0.845])],
    gains: [gain('click', 0.002, -0.004, 0.008), gain('conversion', 0.015, 0.006, 0.024)],
    oracles: [],
    check: check([0.93, 0.95]),
    seconds: 100,
    ...overrides,
  };
}

describe('one glance', () => {
  it('names the winner per task with its margin and interval, a tie as a tie', () => {
    expect(gainSentence(gain('conversion', 0.015, 0.006, 0.024))).toBe(
      'dtrn-ple beat ple by +0.0150 AUC (95% CI +0.0060 to +0.0240)',
    );
    expect(gainSentence(gain('click', -0.012, -0.02, -0.004))).toBe(
      'dtrn-ple lost to ple by -0.0120 AUC (95% CI -0.0200 to -0.0040)',
    );
    const { title, items } = oneGlance(results({}));
    expect(title).toBe('In one glance (synthetic full-conflict/small, 60000 rows; one seed)');
    expect(items[0]).toBe(
      'click: dtrn-ple and ple tie: +0.0020 AUC, 95% CI -0.0040 to +0.0080 includes 0; highest test AUC dtrn-ple 0.8420 [0.8320, 0.8520], +0.0020 over ple',
    );
    expect(items[1]).toMatch(/^conversion: dtrn-ple beat ple by \+0\.0150 AUC/);
  });

  it('says in plain words what a passed check means, and that one seed is not a result to cite', () => {
    const { items } = oneGlance(results({}));
    expect(items[2]).toMatch(/^Check PASSED: a plain Shared-Bottom trained with the same size and budget/);
    expect(items[2]).toContain('recovered 93.0% (click) and 95.0% (conversion)');
    expect(items[2]).toContain('(90% needed)');
    expect(items[3]).toMatch(/^One seed: .*needs 5 seeds \(--seeds 5\)/);
    expect(oneGlance(results({ seeds: [0, 1, 2, 3, 4] })).items).toHaveLength(3);
    // A share just under the threshold is not rounded up to it.
    expect(oneGlance(results({ check: check([0.8996, 0.95]) })).items[2]).toContain('only 89.9% (click)');
  });

  it('says what a passed check on the control setting means: a tie is the expected answer', () => {
    const { items } = oneGlance(results({ check: check([0.93, 0.95], 'own-run') }));
    expect(items[2]).toMatch(/^Check PASSED: a plain Shared-Bottom on the control setting/);
    expect(items[3]).toMatch(/^This is the control setting: .*a tie is the expected answer/);
    expect(items[4]).toMatch(/^One seed: /);
  });

  it('says plainly that a failed check makes the differences no evidence', () => {
    const { items } = oneGlance(results({ check: check([0.25, 0.37], 'own-run') }));
    expect(items[2]).toMatch(/^Check FAILED: a plain Shared-Bottom on the control setting/);
    expect(items[2]).toContain('recovered only 25.0% (click) and 37.0% (conversion)');
    expect(items[2]).toContain('NOT evidence for or against DTRN');
    expect(items).toHaveLength(3);
  });

  it('prints as plain lines and opens results.md', () => {
    const text = formatOneGlance(results({}));
    expect(text.split('\n')[0]).toBe('In one glance (synthetic full-conflict/small, 60000 rows; one seed):');
    expect(text).not.toContain('**');
    const markdown = formatResultsMarkdown(results({}));
    expect(markdown.indexOf('## In one glance')).toBeLessThan(markdown.indexOf('## Test metrics'));
    expect(formatResultsMarkdown(results({ kind: 'train' }))).not.toContain('In one glance');
  });
});
