/** Mean binary cross-entropy. */
import {
  checkLabels,
  checkNotEmpty,
  checkProbabilities,
  checkSameLength,
  type NumericArray,
} from './validate.js';

/** Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log (as scikit-learn). */
export const LOGLOSS_EPSILON = 1e-7;

/**
 * Mean of -(y log p + (1 - y) log(1 - p)), with p clipped to [1e-7, 1 - 1e-7].
 * @throws DataError on mismatched lengths, empty input, labels outside {0, 1}, probabilities
 *   outside [0, 1] or NaN.
 */
export function logloss(labels: NumericArray, probs: NumericArray): number {
  const metric = 'logloss';
  checkSameLength(metric, { name: 'labels', values: labels }, { name: 'probs', values: probs });
  checkNotEmpty(labels, 'labels', metric);
  checkLabels(labels, metric);
  checkProbabilities(probs, metric);
  return weightedLogloss(labels, probs);
}

/** Weighted mean logloss without input checks (for bootstrap resamples of validated data). */
export function weightedLogloss(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < labels.length; i++) {
    const weight = weights ? weights[i]! : 1;
    if (weight === 0) continue;
    const p = Math.min(Math.max(probs[i]!, LOGLOSS_EPSILON), 1 - LOGLOSS_EPSILON);
    total -= weight * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    weightSum += weight;
  }
  return total / weightSum;
}
