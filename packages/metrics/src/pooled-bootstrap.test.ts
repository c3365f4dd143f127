import { createRng } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';
import { bootstrapCi, pairedBootstrapDiff } from './bootstrap.js';
import { pooledBootstrapCi, pooledPairedBootstrapDiff } from './pooled-bootstrap.js';

/** One seed's test rows: labels, a base model and a variant sharing the base's noise. */
function seedRows(seed: number, n: number, signalA: number, signalB: number) {
  const rng = createRng(seed);
  const labels = new Float32Array(n);
  const scoresA = new Float32Array(n);
  const scoresB = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.next() < 0.3 ? 1 : 0;
    const noise = rng.normal();
    scoresA[i] = signalA * labels[i]! + noise;
    scoresB[i] = signalB * labels[i]! + noise + 0.3 * rng.normal();
  }
  return { labels, scoresA, scoresB };
}

const options = { resamples: 300, confidence: 0.95, seed: 7 };

describe('pooledPairedBootstrapDiff', () => {
  it('gives zero with a zero-width interval for identical models', () => {
    const rows = seedRows(1, 400, 1, 1);
    const result = pooledPairedBootstrapDiff([{ ...rows, scoresB: rows.scoresA }], options);
    expect(result).toMatchObject({ estimate: 0, lower: 0, upper: 0, probabilityPositive: 0, perGroup: [0] });
  });

  it('equals the one-sample paired bootstrap with one group', () => {
    const rows = seedRows(2, 500, 0.5, 1.5);
    const pooled = pooledPairedBootstrapDiff([rows], options);
    const single = pairedBootstrapDiff(rows.labels, rows.scoresA, rows.scoresB, options);
    expect(pooled).toEqual({ ...single, perGroup: [single.estimate] });
  });

  it('averages per-group gains, finds a clear gain, and is seeded', () => {
    const groups = [seedRows(3, 600, 0.3, 1.5), seedRows(4, 600, 0.3, 1.5)];
    const result = pooledPairedBootstrapDiff(groups, options);
    const perGroup = groups.map((rows) => auc(rows.labels, rows.scoresB) - auc(rows.labels, rows.scoresA));
    expect(result.perGroup[0]).toBeCloseTo(perGroup[0]!, 12);
    expect(result.perGroup[1]).toBeCloseTo(perGroup[1]!, 12);
    expect(result.estimate).toBeCloseTo((perGroup[0]! + perGroup[1]!) / 2, 12);
    expect(result.lower).toBeGreaterThan(0);
    expect(result.probabilityPositive).toBe(1);
    expect(result.resamplesUsed).toBe(300);
    expect(pooledPairedBootstrapDiff(groups, options)).toEqual(result);
    expect(pooledPairedBootstrapDiff(groups, { ...options, seed: 8 }).lower).not.toBe(result.lower);
  });

  it('narrows as groups are added (the mean of independent gains varies less)', () => {
    const groups = [1, 2, 3, 4].map((seed) => seedRows(10 + seed, 300, 0.5, 0.8));
    const one = pooledPairedBootstrapDiff(groups.slice(0, 1), options);
    const four = pooledPairedBootstrapDiff(groups, options);
    expect(four.upper - four.lower).toBeLessThan((one.upper - one.lower) * 0.75);
  });

  it('rejects no groups, scores of another length and bad options, naming the group', () => {
    const rows = seedRows(6, 50, 1, 1);
    expect(() => pooledPairedBootstrapDiff([], options)).toThrow('pooledPairedBootstrapDiff: no groups');
    expect(() =>
      pooledPairedBootstrapDiff([rows, { ...rows, scoresB: rows.scoresB.subarray(1) }], options),
    ).toThrow('pooledPairedBootstrapDiff groups[1]: scoresB and labels differ in length');
    expect(() => pooledPairedBootstrapDiff([rows], { resamples: 5 })).toThrow('BootstrapOptions.resamples');
  });

  it('throws when a group has one class only', () => {
    const rows = seedRows(7, 60, 1, 1);
    const oneClass = { ...rows, labels: new Float32Array(60) };
    expect(() => pooledPairedBootstrapDiff([rows, oneClass], options)).toThrow(
      'pooledPairedBootstrapDiff: the metric is undefined on the full sample',
    );
  });
});

describe('pooledBootstrapCi', () => {
  it('equals bootstrapCi with one group, for AUC and logloss', () => {
    const rows = seedRows(5, 500, 1, 1);
    const pooled = pooledBootstrapCi([{ labels: rows.labels, scores: rows.scoresA }], options);
    const single = bootstrapCi(rows.labels, rows.scoresA, options);
    expect(pooled).toEqual({ ...single, perGroup: [single.estimate] });
    const probabilities = rows.scoresA.map((score) => 1 / (1 + Math.exp(-score)));
    const pooledLoss = pooledBootstrapCi([{ labels: rows.labels, scores: probabilities }], {
      ...options,
      metric: 'logloss',
    });
    expect(pooledLoss.estimate).toBe(
      bootstrapCi(rows.labels, probabilities, { ...options, metric: 'logloss' }).estimate,
    );
  });

  it('brackets the mean AUC over groups', () => {
    const groups = [seedRows(8, 400, 1, 1), seedRows(9, 400, 1, 1)].map((rows) => ({
      labels: rows.labels,
      scores: rows.scoresA,
    }));
    const interval = pooledBootstrapCi(groups, options);
    expect(interval.estimate).toBeCloseTo(
      (auc(groups[0]!.labels, groups[0]!.scores) + auc(groups[1]!.labels, groups[1]!.scores)) / 2,
      12,
    );
    expect(interval.lower).toBeLessThan(interval.estimate);
    expect(interval.upper).toBeGreaterThan(interval.estimate);
    expect(interval.estimate).toBeGreaterThan(0.6);
  });
});
