/**
 * Small numeric helpers shared by the synthetic generators. Plain float64 loops in a fixed order,
 * so results are bit-identical on every machine.
 */
import type { Rng } from '@dtrn/base';

/** Logistic function. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Mean and population standard deviation of `values` (rows where `mask` is 1, if given). */
export function meanAndStd(
  values: ArrayLike<number>,
  mask?: ArrayLike<number>,
): { mean: number; std: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    sum += values[i]!;
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const delta = values[i]! - mean;
    squares += delta * delta;
  }
  return { mean, std: count > 0 ? Math.sqrt(squares / count) : 0, count };
}

/**
 * Standardises `values` in place to mean 0 and standard deviation 1. A constant column becomes
 * all zeros (there is no signal to scale).
 */
export function standardizeInPlace(values: Float64Array): void {
  const { mean, std } = meanAndStd(values);
  const scale = std > 1e-12 ? 1 / std : 0;
  for (let i = 0; i < values.length; i++) values[i] = (values[i]! - mean) * scale;
}

/** Pearson correlation of two equally long columns (0 when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const statsA = meanAndStd(a);
  const statsB = meanAndStd(b);
  if (statsA.std === 0 || statsB.std === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - statsA.mean) * (b[i]! - statsB.mean);
  return sum / a.length / (statsA.std * statsB.std);
}

/** A vector of `length` standard normal deviates. */
export function normalVector(rng: Rng, length: number, scale = 1): Float64Array {
  const vector = new Float64Array(length);
  for (let i = 0; i < length; i++) vector[i] = rng.normal() * scale;
  return vector;
}

/** Dot product of `a` and the `length` entries of `b` starting at `offset`. */
export function dotAt(a: ArrayLike<number>, b: ArrayLike<number>, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += a[i]! * b[offset + i]!;
  return sum;
}

/**
 * Inner product `a' M b` with a symmetric `dimension x dimension` matrix `M` stored row-major.
 */
export function quadraticForm(
  a: ArrayLike<number>,
  matrix: Float64Array,
  b: ArrayLike<number>,
  dimension: number,
): number {
  let sum = 0;
  for (let i = 0; i < dimension; i++) {
    let row = 0;
    for (let j = 0; j < dimension; j++) row += matrix[i * dimension + j]! * b[j]!;
    sum += a[i]! * row;
  }
  return sum;
}

/**
 * Gram-Schmidt in the inner product `<a, b> = a' M b` (M = identity when omitted): returns
 * `vectors.length` vectors that are orthonormal under M. Throws if the inputs are dependent.
 */
export function orthonormalize(
  vectors: readonly Float64Array[],
  dimension: number,
  matrix?: Float64Array,
): Float64Array[] {
  const metric = matrix ?? identityMatrix(dimension);
  const basis: Float64Array[] = [];
  for (const vector of vectors) {
    const next = Float64Array.from(vector);
    for (const previous of basis) {
      const projection = quadraticForm(next, metric, previous, dimension);
      for (let i = 0; i < dimension; i++) next[i] = next[i]! - projection * previous[i]!;
    }
    const norm = Math.sqrt(Math.max(0, quadraticForm(next, metric, next, dimension)));
    if (!(norm > 1e-12)) throw new RangeError('orthonormalize: the vectors are linearly dependent');
    for (let i = 0; i < dimension; i++) next[i] = next[i]! / norm;
    basis.push(next);
  }
  return basis;
}

/** The `dimension x dimension` identity, row-major. */
export function identityMatrix(dimension: number): Float64Array {
  const matrix = new Float64Array(dimension * dimension);
  for (let i = 0; i < dimension; i++) matrix[i * dimension + i] = 1;
  return matrix;
}

/**
 * Lower-triangular Cholesky factor of a symmetric positive semi-definite matrix (row-major);
 * tiny negative pivots from rounding are clamped to zero.
 */
export function cholesky(matrix: Float64Array, dimension: number): Float64Array {
  const lower = new Float64Array(dimension * dimension);
  for (let i = 0; i < dimension; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * dimension + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * dimension + k]! * lower[j * dimension + k]!;
      if (i === j) lower[i * dimension + i] = Math.sqrt(Math.max(0, sum));
      else {
        const pivot = lower[j * dimension + j]!;
        lower[i * dimension + j] = pivot > 1e-12 ? sum / pivot : 0;
      }
    }
  }
  return lower;
}

/** Cumulative distribution (last entry exactly 1) of non-negative weights. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const result = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let running = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i]!;
    result[i] = running / total;
  }
  if (result.length > 0) result[result.length - 1] = 1;
  return result;
}

/** Index drawn from a cumulative distribution stored at `cdf[offset .. offset + length)` (binary search). */
export function sampleCumulative(
  cdf: Float64Array,
  uniform: number,
  offset = 0,
  length = cdf.length,
): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (uniform < cdf[offset + middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
