import { splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { describe, expect, it } from 'vitest';
import { degenerateHeadline, describeEntries } from './degenerate.js';
import { meaningfulnessCheck, notApplicable } from './meaningfulness.js';
import type { ModelRun } from './results.js';
import { meanStd, oracleAucs, summariseModels, summariseOracles } from './summarise.js';

const data = generateMultiBehaviorData(
  syntheticPreset('full-conflict', 'tiny', { seed: 3, numSamples: 1500, sequenceLength: 5 }),
);
const { test } = splitDataset(data, { by: 'user', fractions: [0.6, 0.1, 0.3], seed: 3 });

describe('oracle AUCs', () => {
  it('gives every oracle kind per task, the true oracle above chance, averaged over seeds', () => {
    const oracles = oracleAucs(test);
    expect(oracles.map((o) => `${o.task}/${o.kind}`)).toContain('conversion/oracle-sequence-only');
    for (const task of ['click', 'conversion']) {
      const full = oracles.find((o) => o.task === task && o.kind === 'oracle')!.auc!;
      expect(full).toBeGreaterThan(0.6);
      expect(full).toBeLessThanOrEqual(1);
    }
    const summary = summariseOracles([oracles, oracles.map((o) => ({ ...o, auc: 0.5 }))]);
    const click = summary.find((o) => o.task === 'click' && o.kind === 'oracle')!;
    const single = oracles.find((o) => o.task === 'click' && o.kind === 'oracle')!.auc!;
    expect(click.auc).toMatchObject({ mean: (single + 0.5) / 2, n: 2 });
  });
});

describe('summaries and the meaningfulness check', () => {
  const run = (seed: number, aucs: number[], degenerate: string[] = []) =>
    ({
      model: 'shared-bottom',
      seed,
      test: aucs.map((auc, k) => ({ task: ['click', 'conversion'][k], auc, gauc: null, logloss: 0.5 })),
      degenerate: degenerate.map((task) => ({ task, reasons: ['constant-test-predictions'] })),
    }) as unknown as ModelRun;

  it('averages the healthy seeds and lists the degenerate ones', () => {
    const runs = [run(1, [0.7, 0.6]), run(2, [0.8, 0.5], ['conversion'])];
    const [summary] = summariseModels(['shared-bottom'], ['click', 'conversion'], runs);
    expect(summary!.tasks[0]!.auc).toEqual(meanStd([0.7, 0.8]));
    expect(summary!.tasks[1]!.auc).toEqual({ mean: 0.6, std: 0, n: 1, degenerateSeeds: [2] });
    expect(summary!.tasks[1]!.gauc).toMatchObject({ mean: null, n: 0 });
    expect(describeEntries(runs[1]!.degenerate!)).toBe('conversion (constant test predictions)');
    expect(degenerateHeadline({ runs })).toBe(
      '**FLAGGED: degenerate tasks** (learned nothing; left out of means, intervals and gains): shared-bottom seed 2: conversion (constant test predictions).',
    );
    expect(degenerateHeadline({ runs: [runs[0]!] })).toBeNull();
  });

  it('passes when every task recovers the threshold of the sequence-only oracle gain', () => {
    const oracles = summariseOracles([
      [
        { task: 'click', kind: 'oracle-sequence-only', auc: 0.8 },
        { task: 'conversion', kind: 'oracle-sequence-only', auc: 0.7 },
      ],
    ]);
    const check = meaningfulnessCheck(['click', 'conversion'], [0.78, 0.69], oracles, 0.9, 'own-run', 'note');
    expect(check.tasks.map((row) => [row.recovered, row.passed])).toEqual([
      [expect.closeTo(0.28 / 0.3, 12), true],
      [expect.closeTo(0.19 / 0.2, 12), true],
    ]);
    expect(check.passed).toBe(true);
    expect(meaningfulnessCheck(['click'], [0.6], oracles, 0.9, 'calibration', '').passed).toBe(false);
    expect(notApplicable('why', 0.9)).toEqual({
      applicable: false,
      note: 'why',
      threshold: 0.9,
      source: null,
      tasks: [],
      passed: null,
    });
  });
});
