/**
 * Seeded bootstrap confidence intervals for one metric and for the paired difference of two models
 * scored on the same samples. A resample is drawn as multinomial counts, used as sample weights,
 * so the scores are sorted once and each resample costs O(n).
 */
import { ConfigError, checkNumber, createRng, DataError } from '@dtrn/base';
import { aucOfSortedRange } from './auc.js';
import { weightedLogloss } from './logloss.js';
import { argsortScores } from './sort.js';
import {
  checkFinite,
  checkLabels,
  checkNotEmpty,
  checkProbabilities,
  checkSameLength,
  type NumericArray,
} from './validate.js';

/** A weighted metric: weights are resample counts (non-negative integers). */
export type WeightedMetric = (
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: Float64Array,
) => number;

export interface BootstrapOptions {
  /** `auc` (default), `logloss` (scores must be probabilities) or a weighted metric function. */
  readonly metric?: 'auc' | 'logloss' | WeightedMetric;
  /** Number of resamples. Default 1000. */
  readonly resamples?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number;
  /** Seed of the resampling. Default 0. */
  readonly seed?: number;
}

export interface BootstrapInterval {
  /** The metric (or difference) on the original samples. */
  readonly estimate: number;
  /** Percentile interval bounds. */
  readonly lower: number;
  readonly upper: number;
  /** Standard deviation of the resampled values. */
  readonly standardError: number;
  readonly confidence: number;
  readonly resamples: number;
  /** Resamples where the metric was defined (e.g. both classes drawn). */
  readonly resamplesUsed: number;
}

export interface PairedBootstrapInterval extends BootstrapInterval {
  /** Share of resamples where metric(B) - metric(A) > 0. */
  readonly probabilityPositive: number;
}

/** The percentile interval of `values` at `confidence` (linear interpolation). */
export function percentileInterval(
  values: ArrayLike<number>,
  confidence: number,
): { lower: number; upper: number } {
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - confidence) / 2;
  return { lower: quantile(sorted, alpha), upper: quantile(sorted, 1 - alpha) };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** Mean and sample standard deviation (n - 1); std is 0 for one value. */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 };
}

/** Resolved `BootstrapOptions` (the metric aside). */
export interface ResolvedBootstrapOptions {
  readonly resamples: number;
  readonly confidence: number;
  readonly seed: number;
}

export function resolveBootstrapOptions(options: BootstrapOptions): ResolvedBootstrapOptions {
  return {
    resamples: checkNumber(
      options.resamples ?? 1000,
      { integer: true, min: 10 },
      'BootstrapOptions.resamples',
    ),
    confidence: checkNumber(
      options.confidence ?? 0.95,
      { above: 0, below: 1 },
      'BootstrapOptions.confidence',
    ),
    seed: checkNumber(options.seed ?? 0, { integer: true, min: 0 }, 'BootstrapOptions.seed'),
  };
}

/**
 * Prepares a weighted metric for fixed labels and scores (AUC sorts once here); called without
 * weights it evaluates the original samples.
 */
export function prepareMetric(
  metric: BootstrapOptions['metric'],
  labels: NumericArray,
  scores: NumericArray,
  where: string,
): (weights: Float64Array | undefined) => number {
  if (metric === undefined || metric === 'auc') {
    checkFinite(scores, where, 'scores');
    const order = argsortScores(scores);
    return (weights) => aucOfSortedRange(labels, scores, order, 0, labels.length, weights).value;
  }
  if (metric === 'logloss') {
    checkProbabilities(scores, where, 'scores');
    return (weights) => weightedLogloss(labels, scores, weights);
  }
  if (typeof metric === 'function') {
    const ones = new Float64Array(labels.length).fill(1);
    return (weights) => metric(labels, scores, weights ?? ones);
  }
  throw new ConfigError(`${where}: unknown metric`, {
    expected: '"auc", "logloss" or a function',
    found: metric,
  });
}

/** Draws one resample as multinomial counts (n draws with replacement) into `counts`. */
export function drawCounts(rng: ReturnType<typeof createRng>, counts: Float64Array): void {
  counts.fill(0);
  const n = counts.length;
  for (let i = 0; i < n; i++) counts[rng.int(n)]!++;
}

/** The interval of the usable resampled `values`; throws when the estimate or most resamples are undefined. */
export function summariseResamples(
  estimate: number,
  values: number[],
  resolved: ResolvedBootstrapOptions,
  where: string,
): BootstrapInterval {
  if (Number.isNaN(estimate)) {
    throw new DataError(`${where}: the metric is undefined on the full sample`, {
      expected: 'both classes present',
    });
  }
  if (values.length < resolved.resamples / 2) {
    throw new DataError(`${where}: the metric was undefined in most resamples`, {
      expected: `at least ${Math.ceil(resolved.resamples / 2)} usable resamples`,
      found: values.length,
    });
  }
  const { lower, upper } = percentileInterval(values, resolved.confidence);
  return {
    estimate,
    lower,
    upper,
    standardError: meanAndStd(values).std,
    confidence: resolved.confidence,
    resamples: resolved.resamples,
    resamplesUsed: values.length,
  };
}

/** Percentile bootstrap CI of one metric. */
export function bootstrapCi(
  labels: NumericArray,
  scores: NumericArray,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const where = 'bootstrapCi';
  checkSameLength(where, { name: 'labels', values: labels }, { name: 'scores', values: scores });
  checkNotEmpty(labels, 'labels', where);
  checkLabels(labels, where);
  const resolved = resolveBootstrapOptions(options);
  const evaluate = prepareMetric(options.metric, labels, scores, where);
  const rng = createRng(resolved.seed);
  const counts = new Float64Array(labels.length);
  const values: number[] = [];
  for (let r = 0; r < resolved.resamples; r++) {
    drawCounts(rng, counts);
    const value = evaluate(counts);
    if (!Number.isNaN(value)) values.push(value);
  }
  return summariseResamples(evaluate(undefined), values, resolved, where);
}

/**
 * Paired bootstrap CI of metric(scoresB) - metric(scoresA): both models are scored on the same
 * resampled rows each time, which removes the sample-to-sample variance they share.
 */
export function pairedBootstrapDiff(
  labels: NumericArray,
  scoresA: NumericArray,
  scoresB: NumericArray,
  options: BootstrapOptions = {},
): PairedBootstrapInterval {
  const where = 'pairedBootstrapDiff';
  checkSameLength(
    where,
    { name: 'labels', values: labels },
    { name: 'scoresA', values: scoresA },
    { name: 'scoresB', values: scoresB },
  );
  checkNotEmpty(labels, 'labels', where);
  checkLabels(labels, where);
  const resolved = resolveBootstrapOptions(options);
  const evaluateA = prepareMetric(options.metric, labels, scoresA, where);
  const evaluateB = prepareMetric(options.metric, labels, scoresB, where);
  const rng = createRng(resolved.seed);
  const counts = new Float64Array(labels.length);
  const values: number[] = [];
  let positive = 0;
  for (let r = 0; r < resolved.resamples; r++) {
    drawCounts(rng, counts);
    const difference = evaluateB(counts) - evaluateA(counts);
    if (Number.isNaN(difference)) continue;
    values.push(difference);
    if (difference > 0) positive++;
  }
  const interval = summariseResamples(evaluateB(undefined) - evaluateA(undefined), values, resolved, where);
  return { ...interval, probabilityPositive: values.length > 0 ? positive / values.length : Number.NaN };
}
