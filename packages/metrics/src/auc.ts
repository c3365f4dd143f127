/** Exact, tie-aware ROC AUC (ties count 1/2), O(n) after a radix argsort. */
import { DataError } from '@dtrn/base';
import { argsortScores } from './sort.js';
import {
  checkFinite,
  checkLabels,
  checkNotEmpty,
  checkSameLength,
  checkWeights,
  type NumericArray,
} from './validate.js';

export interface AucParts {
  /** Area under the ROC curve, or NaN when a class has zero weight. */
  readonly value: number;
  readonly positiveWeight: number;
  readonly negativeWeight: number;
}

/**
 * AUC of the elements `order[start..end)`, which must be sorted by ascending score. Equal scores
 * form one tie group; a positive in a tie group counts half of that group's negatives.
 */
export function aucOfSortedRange(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  order: Uint32Array,
  start: number,
  end: number,
  weights?: ArrayLike<number>,
): AucParts {
  let negativeBelow = 0;
  let area = 0;
  let positiveTotal = 0;
  let i = start;
  while (i < end) {
    const tieScore = scores[order[i]!]!;
    let positiveTie = 0;
    let negativeTie = 0;
    while (i < end && scores[order[i]!] === tieScore) {
      const index = order[i]!;
      const weight = weights ? weights[index]! : 1;
      if (labels[index] === 1) positiveTie += weight;
      else negativeTie += weight;
      i++;
    }
    area += positiveTie * (negativeBelow + 0.5 * negativeTie);
    negativeBelow += negativeTie;
    positiveTotal += positiveTie;
  }
  const denominator = positiveTotal * negativeBelow;
  return {
    value: denominator > 0 ? area / denominator : Number.NaN,
    positiveWeight: positiveTotal,
    negativeWeight: negativeBelow,
  };
}

function validate(
  labels: NumericArray,
  scores: NumericArray,
  weights: NumericArray | undefined,
  metric: string,
): void {
  checkSameLength(
    metric,
    { name: 'labels', values: labels },
    { name: 'scores', values: scores },
    { name: 'weights', values: weights },
  );
  checkNotEmpty(labels, 'labels', metric);
  checkLabels(labels, metric);
  checkFinite(scores, metric, 'scores');
  if (weights) checkWeights(weights, metric);
}

/**
 * Area under the ROC curve, exact and tie-aware (a tied positive/negative pair counts 1/2), with
 * optional non-negative sample weights (a weight of 2 equals a duplicated row).
 *
 * @throws DataError on mismatched lengths, empty input, labels outside {0, 1}, non-finite scores,
 *   negative weights, and when AUC is undefined because one class is absent (or has zero weight).
 */
export function auc(labels: NumericArray, scores: NumericArray, weights?: NumericArray): number {
  const result = aucOrUndefined(labels, scores, weights);
  if (result === undefined) {
    const positives = checkLabels(labels, 'auc');
    throw new DataError('auc: AUC is undefined when only one class is present', {
      expected: 'both labels 0 and 1 with non-zero weight',
      found: `${positives} positives and ${labels.length - positives} negatives`,
    });
  }
  return result;
}

/** Like `auc`, but returns undefined (instead of throwing) when only one class is present. */
export function aucOrUndefined(
  labels: NumericArray,
  scores: NumericArray,
  weights?: NumericArray,
): number | undefined {
  validate(labels, scores, weights, 'auc');
  const order = argsortScores(scores);
  const { value } = aucOfSortedRange(labels, scores, order, 0, labels.length, weights);
  return Number.isNaN(value) ? undefined : value;
}
