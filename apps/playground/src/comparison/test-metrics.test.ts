import { splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { auc } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import { aucDifferences, oracleAucs } from './test-metrics.js';

const data = generateMultiBehaviorData(
  syntheticPreset('full-conflict', 'tiny', { seed: 3, numSamples: 1500, sequenceLength: 5 }),
);
const { test } = splitDataset(data, { by: 'user', fractions: [0.6, 0.1, 0.3], seed: 3 });
const oracleLogits = (task: string) => test.extras![`oracle/${task}`]!;

describe('oracleAucs', () => {
  it('gives every oracle kind per task, the true oracle above the sequence-free one', () => {
    const oracles = oracleAucs(test);
    expect(oracles.map((o) => `${o.task}/${o.kind}`)).toContain('conversion/oracle-sequence-only');
    for (const task of ['click', 'conversion']) {
      const full = oracles.find((o) => o.task === task && o.kind === 'oracle')!.auc!;
      expect(full).toBeGreaterThan(0.6);
      expect(full).toBeLessThanOrEqual(1);
    }
  });
});

describe('aucDifferences', () => {
  it('is exactly 0 for identical predictions and positive for the oracle against noise', () => {
    const noise = data.schema.tasks.map(() =>
      Float32Array.from({ length: test.size }, (_, i) => (i * 7919) % 101),
    );
    const oracle = ['click', 'conversion'].map(oracleLogits);
    const same = aucDifferences(test, oracle, oracle, 0);
    expect(same.map((d) => [d.estimate, d.lower, d.upper])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const gain = aucDifferences(test, noise, oracle, 0);
    expect(gain).toHaveLength(2);
    for (const difference of gain) {
      expect(difference.lower).toBeGreaterThan(0);
      expect(difference.probabilityPositive).toBe(1);
    }
  });

  it('measures conversion on its sample space (clicked rows) only', () => {
    const oracle = ['click', 'conversion'].map(oracleLogits);
    const reversed = oracle.map((logits) => logits.map((value) => -value));
    const [, conversion] = aucDifferences(test, oracle, reversed, 0);
    const mask = test.sampleMasks[1]!;
    const rows = [...mask.keys()].filter((row) => mask[row] === 1);
    const labels = Float32Array.from(rows, (row) => test.labels[1]![row]!);
    const scores = Float32Array.from(rows, (row) => oracle[1]![row]!);
    const expected = 1 - auc(labels, scores) - auc(labels, scores);
    expect(conversion!.estimate).toBeCloseTo(expected, 10);
  });
});
