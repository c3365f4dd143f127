import { createRng } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';
import { bootstrapCi, meanAndStd, pairedBootstrapDiff, percentileInterval } from './bootstrap.js';

function scored(seed: number, n: number, signal: number) {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const noise = labels.map(() => rng.normal());
  const scores = labels.map((y, i) => signal * y + noise[i]!);
  return { labels, scores, noise };
}

describe('bootstrap', () => {
  it('brackets the estimate, is seeded, and narrows with more data', () => {
    const small = scored(1, 400, 1);
    const large = scored(1, 4000, 1);
    const a = bootstrapCi(small.labels, small.scores, { seed: 3, resamples: 300 });
    const b = bootstrapCi(small.labels, small.scores, { seed: 3, resamples: 300 });
    expect(a).toEqual(b);
    expect(a.estimate).toBe(auc(small.labels, small.scores));
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
    const wide = bootstrapCi(large.labels, large.scores, { seed: 3, resamples: 300 });
    expect(wide.upper - wide.lower).toBeLessThan((a.upper - a.lower) * 0.6);
    // Standard error of AUC near 0.76 with 200 + 200 samples is about 0.024 (Hanley-McNeil).
    expect(a.standardError).toBeGreaterThan(0.015);
    expect(a.standardError).toBeLessThan(0.035);
  });

  it('pairs the difference of two models on the same resamples', () => {
    const { labels, scores, noise } = scored(2, 1000, 1);
    // Model B = model A plus a little extra signal: the paired CI excludes 0.
    const better = labels.map((y, i) => 1.2 * y + noise[i]!);
    const diff = pairedBootstrapDiff(labels, scores, better, { seed: 1, resamples: 300 });
    expect(diff.estimate).toBeCloseTo(auc(labels, better) - auc(labels, scores), 14);
    expect(diff.lower).toBeGreaterThan(0);
    expect(diff.probabilityPositive).toBe(1);
    // Identical models: the difference is exactly zero in every resample.
    const same = pairedBootstrapDiff(labels, scores, scores, { seed: 1, resamples: 50 });
    expect([same.estimate, same.lower, same.upper]).toEqual([0, 0, 0]);
  });

  it('supports logloss and custom metrics, and validates options', () => {
    const { labels } = scored(5, 300, 1);
    const probs = labels.map((y) => (y ? 0.7 : 0.4));
    const ci = bootstrapCi(labels, probs, { metric: 'logloss', resamples: 100 });
    expect(ci.lower).toBeLessThan(ci.upper);
    const mean = bootstrapCi(labels, probs, {
      resamples: 100,
      metric: (y, _s, w) => {
        let s = 0;
        let t = 0;
        for (let i = 0; i < y.length; i++) {
          s += w[i]! * y[i]!;
          t += w[i]!;
        }
        return s / t;
      },
    });
    expect(mean.estimate).toBeCloseTo(labels.filter((y) => y === 1).length / labels.length, 12);
    expect(() => bootstrapCi(labels, probs, { resamples: 5 })).toThrow(
      'BootstrapOptions.resamples is invalid',
    );
    expect(() => bootstrapCi(labels, probs, { confidence: 1 })).toThrow(
      'BootstrapOptions.confidence is invalid',
    );
    expect(() => bootstrapCi([1, 1], [0.2, 0.3], { resamples: 10 })).toThrow(
      'the metric is undefined on the full sample',
    );
  });

  it('computes percentile intervals, mean and std', () => {
    expect(percentileInterval([1, 2, 3, 4, 5], 0.5)).toEqual({ lower: 2, upper: 4 });
    expect(meanAndStd([1, 2, 3])).toEqual({ mean: 2, std: 1 });
    expect(meanAndStd([4])).toEqual({ mean: 4, std: 0 });
  });
});
