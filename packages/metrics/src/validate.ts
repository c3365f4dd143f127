/** Input checks shared by every metric: equal lengths, labels in {0, 1}, finite scores. */
import { DataError } from '@dtrn/base';

/** Any numeric array a metric accepts. */
export type NumericArray = Float32Array | Float64Array | number[];
/** Group ids (users) for GAUC: integers. */
export type GroupArray = Int32Array | Uint32Array | Float32Array | Float64Array | number[];

export function checkNotEmpty(values: ArrayLike<number>, argument: string, metric: string): void {
  if (values.length === 0) {
    throw new DataError(`${metric}: ${argument} is empty`, {
      expected: 'at least one value',
      found: 'length 0',
    });
  }
}

export function checkSameLength(
  metric: string,
  first: { name: string; values: ArrayLike<number> },
  ...others: { name: string; values: ArrayLike<number> | undefined }[]
): void {
  for (const other of others) {
    if (other.values !== undefined && other.values.length !== first.values.length) {
      throw new DataError(`${metric}: ${other.name} and ${first.name} differ in length`, {
        expected: `length ${first.values.length} (as ${first.name})`,
        found: `length ${other.values.length}`,
      });
    }
  }
}

/** Throws unless every label is exactly 0 or 1; returns the number of positives. */
export function checkLabels(labels: ArrayLike<number>, metric: string, argument = 'labels'): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 1) positives++;
    else if (label !== 0) {
      throw new DataError(`${metric}: ${argument} must be 0 or 1`, {
        where: { field: argument, index: i },
        expected: '0 or 1',
        found: label,
      });
    }
  }
  return positives;
}

export function checkFinite(values: ArrayLike<number>, metric: string, argument: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      throw new DataError(`${metric}: ${argument} must be finite`, {
        where: { field: argument, index: i },
        expected: 'a finite number',
        found: value,
      });
    }
  }
}

export function checkWeights(weights: ArrayLike<number>, metric: string): void {
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]!;
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new DataError(`${metric}: weights must be finite and non-negative`, {
        where: { field: 'weights', index: i },
        expected: 'a finite number >= 0',
        found: weight,
      });
    }
  }
}

export function checkProbabilities(probs: ArrayLike<number>, metric: string, argument = 'probs'): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new DataError(`${metric}: ${argument} must be probabilities`, {
        where: { field: argument, index: i },
        expected: 'a number in [0, 1]',
        found: p,
      });
    }
  }
}

export function checkGroups(groups: ArrayLike<number>, metric: string): void {
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (!Number.isSafeInteger(group)) {
      throw new DataError(`${metric}: groups must be integers`, {
        where: { field: 'groups', index: i },
        expected: 'an integer group id',
        found: group,
      });
    }
  }
}
