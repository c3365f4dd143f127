/**
 * Bootstrap intervals pooled over independent groups, typically the seeds of a repeated experiment
 * (each with its own test split): every resample draws the rows of each group with replacement,
 * evaluates the metric (or the paired difference of two models on the same rows) per group, and
 * averages over the groups. The percentile interval of those averages is the CI of the mean over
 * groups, so a gain is judged on all seeds at once rather than seed by seed. Seeded; with one group
 * the results equal `bootstrapCi` / `pairedBootstrapDiff` with the same options.
 */
import { ConfigError, createRng } from '@dtrn/base';
import {
  type BootstrapInterval,
  type BootstrapOptions,
  drawCounts,
  type PairedBootstrapInterval,
  prepareMetric,
  type ResolvedBootstrapOptions,
  resolveBootstrapOptions,
  summariseResamples,
} from './bootstrap.js';
import { checkLabels, checkNotEmpty, checkSameLength, type NumericArray } from './validate.js';

/** One group's labels and a model's scores on the same rows. */
export interface ScoredGroup {
  readonly labels: NumericArray;
  readonly scores: NumericArray;
}

/** One group's labels and two models' scores on the same rows (the difference is B - A). */
export interface PairedScoredGroup {
  readonly labels: NumericArray;
  readonly scoresA: NumericArray;
  readonly scoresB: NumericArray;
}

export interface PooledBootstrapInterval extends BootstrapInterval {
  /** The metric of each group on its original rows (`estimate` is their mean). */
  readonly perGroup: readonly number[];
}

export interface PooledPairedBootstrapInterval extends PairedBootstrapInterval {
  /** metric(B) - metric(A) of each group on its original rows (`estimate` is their mean). */
  readonly perGroup: readonly number[];
}

interface PreparedGroup {
  /** Scratch resample counts, one per row. */
  readonly counts: Float64Array;
  /** The group's value under resample weights (undefined: the original rows). */
  readonly evaluate: (weights: Float64Array | undefined) => number;
}

function checkGroups(groups: readonly unknown[], where: string): void {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ConfigError(`${where}: no groups`, {
      expected: 'an array with at least one group (e.g. one per seed)',
      found: Array.isArray(groups) ? 'an empty array' : typeof groups,
    });
  }
}

function checkRows(
  labels: NumericArray,
  scores: { name: string; values: NumericArray }[],
  where: string,
): void {
  checkSameLength(where, { name: 'labels', values: labels }, ...scores);
  checkNotEmpty(labels, 'labels', where);
  checkLabels(labels, where);
}

/** The per-group values, and the mean over groups of each usable resample (NaN ones skipped). */
function resamplePooled(
  groups: readonly PreparedGroup[],
  resolved: ResolvedBootstrapOptions,
): { perGroup: number[]; estimate: number; values: number[]; positive: number } {
  const perGroup = groups.map((group) => group.evaluate(undefined));
  const estimate = perGroup.reduce((sum, value) => sum + value, 0) / groups.length;
  const rng = createRng(resolved.seed);
  const values: number[] = [];
  let positive = 0;
  for (let r = 0; r < resolved.resamples; r++) {
    let sum = 0;
    for (const group of groups) {
      drawCounts(rng, group.counts);
      sum += group.evaluate(group.counts);
    }
    const mean = sum / groups.length;
    if (Number.isNaN(mean)) continue; // e.g. a resample with one class in some group
    values.push(mean);
    if (mean > 0) positive++;
  }
  return { perGroup, estimate, values, positive };
}

/** Percentile bootstrap CI of a metric's mean over groups (rows resampled within each group). */
export function pooledBootstrapCi(
  groups: readonly ScoredGroup[],
  options: BootstrapOptions = {},
): PooledBootstrapInterval {
  const where = 'pooledBootstrapCi';
  checkGroups(groups, where);
  const resolved = resolveBootstrapOptions(options);
  const prepared = groups.map(({ labels, scores }, index): PreparedGroup => {
    const at = `${where} groups[${index}]`;
    checkRows(labels, [{ name: 'scores', values: scores }], at);
    return {
      counts: new Float64Array(labels.length),
      evaluate: prepareMetric(options.metric, labels, scores, at),
    };
  });
  const { perGroup, estimate, values } = resamplePooled(prepared, resolved);
  return { ...summariseResamples(estimate, values, resolved, where), perGroup };
}

/**
 * Paired bootstrap CI of the mean over groups of metric(scoresB) - metric(scoresA): in every
 * resample both models are scored on the same resampled rows of each group.
 */
export function pooledPairedBootstrapDiff(
  groups: readonly PairedScoredGroup[],
  options: BootstrapOptions = {},
): PooledPairedBootstrapInterval {
  const where = 'pooledPairedBootstrapDiff';
  checkGroups(groups, where);
  const resolved = resolveBootstrapOptions(options);
  const prepared = groups.map(({ labels, scoresA, scoresB }, index): PreparedGroup => {
    const at = `${where} groups[${index}]`;
    checkRows(
      labels,
      [
        { name: 'scoresA', values: scoresA },
        { name: 'scoresB', values: scoresB },
      ],
      at,
    );
    const evaluateA = prepareMetric(options.metric, labels, scoresA, at);
    const evaluateB = prepareMetric(options.metric, labels, scoresB, at);
    return {
      counts: new Float64Array(labels.length),
      evaluate: (weights) => evaluateB(weights) - evaluateA(weights),
    };
  });
  const { perGroup, estimate, values, positive } = resamplePooled(prepared, resolved);
  return {
    ...summariseResamples(estimate, values, resolved, where),
    probabilityPositive: values.length > 0 ? positive / values.length : Number.NaN,
    perGroup,
  };
}
