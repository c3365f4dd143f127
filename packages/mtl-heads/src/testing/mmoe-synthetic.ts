/**
 * The MMoE paper's synthetic two-task data (test-only; MODEL-SPEC "MMoE synthetic data"):
 * orthonormal u1, u2; w1 = c u1, w2 = c (p u1 + sqrt(1 - p^2) u2), so cos(w1, w2) = p;
 * x ~ N(0, I); y_k = w_k.x + sum_{i=1..m} sin(alpha_i w_k.x + beta_i) + eps, eps ~ N(0, noiseStd^2);
 * binary labels: y_k thresholded at its median.
 */
import { createRng } from '@dtrn/base';

export interface MmoeSyntheticOptions {
  readonly numSamples: number;
  /** Input width d. Default 100. */
  readonly inputDim?: number;
  /** Task correlation p = cos(w1, w2), in [-1, 1]. */
  readonly correlation: number;
  /** Scale c. Default 1. */
  readonly scale?: number;
  /** Number of sine terms m (alpha_i = i, beta_i = (i - 1)^2). Default 10. */
  readonly numSines?: number;
  /** Noise standard deviation. Default 0.01. */
  readonly noiseStd?: number;
  readonly seed: number;
}

export interface MmoeSyntheticData {
  /** Row-major [numSamples, inputDim]. */
  readonly features: Float32Array;
  /** Regression targets y_1, y_2. */
  readonly targets: [Float64Array, Float64Array];
  /** Binary labels (y_k above its median), 0 or 1. */
  readonly labels: [Float32Array, Float32Array];
  /** The task weight vectors w_1, w_2. */
  readonly taskWeights: [Float64Array, Float64Array];
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offset = 0) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[offset + i]!;
  return sum;
};

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function generateMmoeSynthetic(options: MmoeSyntheticOptions): MmoeSyntheticData {
  const inputDim = options.inputDim ?? 100;
  const scale = options.scale ?? 1;
  const numSines = options.numSines ?? 10;
  const noiseStd = options.noiseStd ?? 0.01;
  const p = options.correlation;
  const rng = createRng(options.seed);
  // Orthonormal u1, u2 by Gram-Schmidt on two Gaussian vectors.
  const u1 = Float64Array.from({ length: inputDim }, () => rng.normal());
  const norm1 = Math.sqrt(dot(u1, u1));
  for (let i = 0; i < inputDim; i++) u1[i]! /= norm1;
  const u2 = Float64Array.from({ length: inputDim }, () => rng.normal());
  const projection = dot(u1, u2);
  for (let i = 0; i < inputDim; i++) u2[i]! -= projection * u1[i]!;
  const norm2 = Math.sqrt(dot(u2, u2));
  for (let i = 0; i < inputDim; i++) u2[i]! /= norm2;
  const w1 = u1.map((v) => scale * v);
  const w2 = u1.map((v, i) => scale * (p * v + Math.sqrt(1 - p * p) * u2[i]!));

  const features = new Float32Array(options.numSamples * inputDim);
  for (let i = 0; i < features.length; i++) features[i] = rng.normal();
  const targets: [Float64Array, Float64Array] = [
    new Float64Array(options.numSamples),
    new Float64Array(options.numSamples),
  ];
  for (let n = 0; n < options.numSamples; n++) {
    [w1, w2].forEach((w, task) => {
      const projected = dot(w, features, n * inputDim);
      let y = projected;
      for (let i = 1; i <= numSines; i++) y += Math.sin(i * projected + (i - 1) ** 2);
      targets[task]![n] = y + noiseStd * rng.normal();
    });
  }
  const labels = targets.map((y) => {
    const threshold = median(y);
    return Float32Array.from(y, (value) => (value > threshold ? 1 : 0));
  }) as [Float32Array, Float32Array];
  return { features, targets, labels, taskWeights: [w1, w2] };
}
