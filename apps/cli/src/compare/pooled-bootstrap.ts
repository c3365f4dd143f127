/**
 * Paired bootstrap of an AUC difference pooled over seeds: every resample draws the test rows of
 * each seed with replacement (the two models see the same rows), takes the per-seed difference
 * AUC(variant) - AUC(base), and averages over seeds. The percentile interval of those averages is
 * the CI of the mean gain. Seeded, so a run repeats exactly.
 */
import { createRng, DataError } from '@dtrn/base';
import { argsortScores, aucOfSortedRange, percentileInterval } from '@dtrn/metrics';

export interface PairedSeedScores {
  /** Labels of the task's sample space on the test split. */
  readonly labels: Float32Array;
  readonly base: Float32Array;
  readonly variant: Float32Array;
}

export interface PooledInterval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly probabilityPositive: number;
  readonly perSeed: readonly number[];
  readonly resamplesUsed: number;
}

interface PreparedSeed {
  readonly labels: Float32Array;
  readonly base: Float32Array;
  readonly variant: Float32Array;
  readonly baseOrder: Uint32Array;
  readonly variantOrder: Uint32Array;
  readonly counts: Float64Array;
}

function difference(seed: PreparedSeed, weights?: Float64Array): number {
  const n = seed.labels.length;
  const variant = aucOfSortedRange(seed.labels, seed.variant, seed.variantOrder, 0, n, weights).value;
  const base = aucOfSortedRange(seed.labels, seed.base, seed.baseOrder, 0, n, weights).value;
  return variant - base;
}

export function pooledPairedBootstrap(
  seeds: readonly PairedSeedScores[],
  options: { resamples: number; confidence: number; seed: number },
): PooledInterval {
  if (seeds.length === 0)
    throw new DataError('pooledPairedBootstrap: no seeds', { expected: 'at least one seed' });
  const prepared: PreparedSeed[] = seeds.map((scores, index) => {
    const n = scores.labels.length;
    if (scores.base.length !== n || scores.variant.length !== n) {
      throw new DataError(`pooledPairedBootstrap: seed ${index} has scores of another length`, {
        expected: `${n} base and variant scores`,
        found: `${scores.base.length} and ${scores.variant.length}`,
      });
    }
    return {
      ...scores,
      baseOrder: argsortScores(scores.base),
      variantOrder: argsortScores(scores.variant),
      counts: new Float64Array(n),
    };
  });
  const perSeed = prepared.map((seed) => difference(seed));
  const estimate = perSeed.reduce((sum, value) => sum + value, 0) / perSeed.length;
  if (!Number.isFinite(estimate)) {
    throw new DataError('pooledPairedBootstrap: AUC undefined on a seed (one class only)', {
      found: perSeed,
    });
  }
  const rng = createRng(options.seed);
  const values: number[] = [];
  let positive = 0;
  for (let r = 0; r < options.resamples; r++) {
    let sum = 0;
    for (const seed of prepared) {
      const n = seed.counts.length;
      seed.counts.fill(0);
      for (let i = 0; i < n; i++) seed.counts[rng.int(n)]!++;
      sum += difference(seed, seed.counts);
    }
    const mean = sum / prepared.length;
    if (Number.isNaN(mean)) continue; // a resample of one class on some seed
    values.push(mean);
    if (mean > 0) positive++;
  }
  if (values.length < options.resamples / 2) {
    throw new DataError('pooledPairedBootstrap: the AUC was undefined in most resamples', {
      expected: `at least ${Math.ceil(options.resamples / 2)} usable resamples`,
      found: values.length,
    });
  }
  const { lower, upper } = percentileInterval(values, options.confidence);
  return {
    estimate,
    lower,
    upper,
    probabilityPositive: positive / values.length,
    perSeed,
    resamplesUsed: values.length,
  };
}

/** The same resampling for one model: CI of its AUC averaged over seeds. */
export function pooledAucBootstrap(
  seeds: readonly { readonly labels: Float32Array; readonly scores: Float32Array }[],
  options: { resamples: number; confidence: number; seed: number },
): { estimate: number; lower: number; upper: number } {
  const prepared = seeds.map((entry) => ({
    ...entry,
    order: argsortScores(entry.scores),
    counts: new Float64Array(entry.labels.length),
  }));
  const aucOf = (entry: (typeof prepared)[number], weights?: Float64Array) =>
    aucOfSortedRange(entry.labels, entry.scores, entry.order, 0, entry.labels.length, weights).value;
  const estimate = prepared.reduce((sum, entry) => sum + aucOf(entry), 0) / prepared.length;
  if (!Number.isFinite(estimate))
    throw new DataError('pooledAucBootstrap: AUC undefined on a seed (one class only)');
  const rng = createRng(options.seed);
  const values: number[] = [];
  for (let r = 0; r < options.resamples; r++) {
    let sum = 0;
    for (const entry of prepared) {
      const n = entry.counts.length;
      entry.counts.fill(0);
      for (let i = 0; i < n; i++) entry.counts[rng.int(n)]!++;
      sum += aucOf(entry, entry.counts);
    }
    if (!Number.isNaN(sum)) values.push(sum / prepared.length);
  }
  if (values.length < options.resamples / 2) {
    throw new DataError('pooledAucBootstrap: the AUC was undefined in most resamples', {
      found: values.length,
    });
  }
  return { estimate, ...percentileInterval(values, options.confidence) };
}
