import { createRng } from '@dtrn/base';
import { pairedBootstrapDiff } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import { pooledAucBootstrap, pooledPairedBootstrap } from '../src/compare/pooled-bootstrap.js';

function seedData(seed: number, n: number, signalBase: number, signalVariant: number) {
  const rng = createRng(seed);
  const labels = new Float32Array(n);
  const base = new Float32Array(n);
  const variant = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.next() < 0.3 ? 1 : 0;
    const noise = rng.normal();
    base[i] = signalBase * labels[i]! + noise;
    variant[i] = signalVariant * labels[i]! + noise + 0.3 * rng.normal();
  }
  return { labels, base, variant };
}

describe('pooledPairedBootstrap', () => {
  const options = { resamples: 300, confidence: 0.95, seed: 7 };

  it('gives zero with a zero-width interval for identical models', () => {
    const data = seedData(1, 400, 1, 1);
    const result = pooledPairedBootstrap([{ ...data, variant: data.base }], options);
    expect(result).toMatchObject({ estimate: 0, lower: 0, upper: 0, probabilityPositive: 0 });
  });

  it('matches the one-seed paired bootstrap of @dtrn/metrics in its estimate', () => {
    const data = seedData(2, 500, 0.5, 1.5);
    const pooled = pooledPairedBootstrap([data], options);
    const single = pairedBootstrapDiff(data.labels, data.base, data.variant, { resamples: 300, seed: 7 });
    expect(pooled.estimate).toBeCloseTo(single.estimate, 12);
    expect(pooled.upper - pooled.lower).toBeCloseTo(single.upper - single.lower, 1);
  });

  it('averages per-seed gains, finds a clear gain, and is seeded', () => {
    const seeds = [seedData(3, 600, 0.3, 1.5), seedData(4, 600, 0.3, 1.5)];
    const result = pooledPairedBootstrap(seeds, options);
    expect(result.estimate).toBeCloseTo((result.perSeed[0]! + result.perSeed[1]!) / 2, 12);
    expect(result.lower).toBeGreaterThan(0);
    expect(result.probabilityPositive).toBe(1);
    expect(pooledPairedBootstrap(seeds, options)).toEqual(result);
    expect(pooledPairedBootstrap(seeds, { ...options, seed: 8 }).lower).not.toBe(result.lower);
  });

  it('pooled AUC interval contains the estimate', () => {
    const data = seedData(5, 500, 1, 1);
    const interval = pooledAucBootstrap([{ labels: data.labels, scores: data.base }], options);
    expect(interval.lower).toBeLessThanOrEqual(interval.estimate);
    expect(interval.upper).toBeGreaterThanOrEqual(interval.estimate);
    expect(interval.estimate).toBeGreaterThan(0.6);
  });

  it('rejects scores of another length', () => {
    const data = seedData(6, 50, 1, 1);
    expect(() => pooledPairedBootstrap([{ ...data, variant: data.variant.subarray(1) }], options)).toThrow(
      'pooledPairedBootstrap: seed 0 has scores of another length',
    );
  });
});
