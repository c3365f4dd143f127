/**
 * The synthetic data of the MMoE paper (Ma et al., KDD 2018, section 4.2), generalised to K tasks:
 * task weight vectors with a controlled cosine, `y_k = w_k.x + sum_i sin(alpha_i w_k.x + beta_i) + eps`.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkBoolean,
  checkNumber,
  checkNumberArray,
  createRng,
  deriveSeed,
} from '@dtrn/base';
import { cholesky, normalVector, orthonormalize } from './math.js';

/** Arguments of {@link generateMmoeData}. */
export interface MmoeDataArgs {
  /** Rows to generate. Integer >= 1. Default 10,000. */
  readonly numSamples?: number;
  /** Input dimension d of x. Integer >= numTasks. Default 100 (the paper's). */
  readonly inputDim?: number;
  /**
   * Cosine p between every pair of task weight vectors `w_k`. Range [-1/(numTasks-1), 1]
   * (so [-1, 1] for two tasks). Default 0.5.
   */
  readonly correlation?: number;
  /** Number of tasks K. Integer in [1, inputDim]. Default 2 (the paper's). */
  readonly numTasks?: number;
  /** Seed of every random draw; equal seeds give byte-identical output. Integer >= 0. Default 0. */
  readonly seed?: number;
  /** Also return labels thresholded at each task's median (1 above, 0 otherwise). Default false. */
  readonly binarise?: boolean;
  /** Scale c of the weight vectors (`||w_k|| = c`). > 0. Default 1. */
  readonly scale?: number;
  /** Number m of sine terms. Integer >= 0. Default 10. */
  readonly numSines?: number;
  /** Frequencies alpha_1..alpha_m. Default `alpha_i = i` (the paper gives no values: our choice). */
  readonly alphas?: readonly number[];
  /** Phases beta_1..beta_m. Default `beta_i = (i - 1)^2` (our choice, common in re-implementations). */
  readonly betas?: readonly number[];
  /** Standard deviation of the Gaussian noise eps. >= 0. Default 0.01. */
  readonly noiseStd?: number;
}

/** Resolved {@link MmoeDataArgs}: every field present. */
export interface ResolvedMmoeDataArgs {
  readonly numSamples: number;
  readonly inputDim: number;
  readonly correlation: number;
  readonly numTasks: number;
  readonly seed: number;
  readonly binarise: boolean;
  readonly scale: number;
  readonly numSines: number;
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  readonly noiseStd: number;
}

/** Output of {@link generateMmoeData}. */
export interface MmoeData {
  readonly args: ResolvedMmoeDataArgs;
  /** [numSamples * inputDim] row-major inputs, x ~ N(0, I). */
  readonly x: Float32Array;
  /** Per task, [numSamples] regression targets y_k. */
  readonly targets: readonly Float32Array[];
  /** Per task, [numSamples] labels in {0, 1} (y_k above its median); only with `binarise`. */
  readonly labels?: readonly Float32Array[];
  /** Per task, [inputDim] weight vector w_k (pairwise cosine = correlation, norm = scale). */
  readonly weights: readonly Float64Array[];
  /** Per task, the median used for the labels (undefined without `binarise`). */
  readonly medians?: readonly number[];
}

export const DEFAULT_MMOE_DATA_ARGS: Readonly<Omit<ResolvedMmoeDataArgs, 'alphas' | 'betas'>> = Object.freeze(
  {
    numSamples: 10_000,
    inputDim: 100,
    correlation: 0.5,
    numTasks: 2,
    seed: 0,
    binarise: false,
    scale: 1,
    numSines: 10,
    noiseStd: 0.01,
  },
);

const MMOE_KEYS = [
  'numSamples',
  'inputDim',
  'correlation',
  'numTasks',
  'seed',
  'binarise',
  'scale',
  'numSines',
  'alphas',
  'betas',
  'noiseStd',
] as const;

/** Validates and completes {@link MmoeDataArgs}; unknown keys name the closest valid one. */
export function resolveMmoeDataArgs(args: MmoeDataArgs = {}): ResolvedMmoeDataArgs {
  const where = 'MmoeDataArgs';
  assertPlainObject(args, where);
  assertKnownKeys(args, MMOE_KEYS, where);
  const defaults = DEFAULT_MMOE_DATA_ARGS;
  const pick = <K extends keyof typeof defaults>(key: K) => (args[key] ?? defaults[key]) as unknown;
  const numSamples = checkNumber(pick('numSamples'), { integer: true, min: 1 }, `${where}.numSamples`);
  const numTasks = checkNumber(pick('numTasks'), { integer: true, min: 1 }, `${where}.numTasks`);
  const inputDim = checkNumber(pick('inputDim'), { integer: true, min: numTasks }, `${where}.inputDim`);
  const lowest = numTasks > 1 ? -1 / (numTasks - 1) : -1;
  const correlation = checkNumber(pick('correlation'), { min: lowest, max: 1 }, `${where}.correlation`);
  const seed = checkNumber(pick('seed'), { integer: true, min: 0, max: 0xffffffff }, `${where}.seed`);
  const binarise = checkBoolean(pick('binarise'), `${where}.binarise`);
  const scale = checkNumber(pick('scale'), { above: 0 }, `${where}.scale`);
  const noiseStd = checkNumber(pick('noiseStd'), { min: 0 }, `${where}.noiseStd`);
  const numSines = checkNumber(pick('numSines'), { integer: true, min: 0 }, `${where}.numSines`);
  const alphas =
    args.alphas === undefined
      ? Array.from({ length: numSines }, (_, i) => i + 1)
      : checkNumberArray(args.alphas, {}, `${where}.alphas`, { allowEmpty: true });
  const betas =
    args.betas === undefined
      ? Array.from({ length: numSines }, (_, i) => i * i)
      : checkNumberArray(args.betas, {}, `${where}.betas`, { allowEmpty: true });
  for (const [name, list] of [
    ['alphas', alphas],
    ['betas', betas],
  ] as const) {
    if (list.length !== numSines) {
      throw new ConfigError(`${where}.${name} must have one entry per sine term`, {
        expected: `${numSines} numbers (numSines)`,
        found: `${list.length} numbers`,
      });
    }
  }
  return Object.freeze({
    numSamples,
    inputDim,
    correlation,
    numTasks,
    seed,
    binarise,
    scale,
    numSines,
    alphas: Object.freeze([...alphas]),
    betas: Object.freeze([...betas]),
    noiseStd,
  });
}

/**
 * Task weight vectors with pairwise cosine p: orthonormal u_1..u_K, then `w = c * L u` where L is
 * the Cholesky factor of the Gram matrix `(1 - p) I + p 11'`. For two tasks this is exactly the
 * paper's `w_1 = c u_1`, `w_2 = c (p u_1 + sqrt(1 - p^2) u_2)`.
 */
function taskWeights(args: ResolvedMmoeDataArgs): Float64Array[] {
  const { numTasks, inputDim, correlation, scale } = args;
  const rng = createRng(deriveSeed(args.seed, 'mmoe/weights'));
  const basis = orthonormalize(
    Array.from({ length: numTasks }, () => normalVector(rng, inputDim)),
    inputDim,
  );
  const gram = new Float64Array(numTasks * numTasks);
  for (let i = 0; i < numTasks; i++)
    for (let j = 0; j < numTasks; j++) gram[i * numTasks + j] = i === j ? 1 : correlation;
  const lower = cholesky(gram, numTasks);
  return Array.from({ length: numTasks }, (_, task) => {
    const weight = new Float64Array(inputDim);
    for (let j = 0; j <= task; j++) {
      const coefficient = scale * lower[task * numTasks + j]!;
      const direction = basis[j]!;
      for (let i = 0; i < inputDim; i++) weight[i] = weight[i]! + coefficient * direction[i]!;
    }
    return weight;
  });
}

/** Median of a column (mean of the two middle values for an even count). */
function median(values: Float32Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Generates the MMoE synthetic data set: `x ~ N(0, I_d)`,
 * `y_k = w_k.x + sum_i sin(alpha_i w_k.x + beta_i) + eps_k`, `eps_k ~ N(0, noiseStd^2)`.
 * Deterministic for a given seed (byte-identical across runs and machines).
 */
export function generateMmoeData(args: MmoeDataArgs = {}): MmoeData {
  const resolved = resolveMmoeDataArgs(args);
  const { numSamples, inputDim, numTasks, alphas, betas, noiseStd, numSines } = resolved;
  const weights = taskWeights(resolved);
  const inputRng = createRng(deriveSeed(resolved.seed, 'mmoe/inputs'));
  const noiseRng = createRng(deriveSeed(resolved.seed, 'mmoe/noise'));
  const x = new Float32Array(numSamples * inputDim);
  const targets = Array.from({ length: numTasks }, () => new Float32Array(numSamples));
  const row = new Float64Array(inputDim);
  for (let sample = 0; sample < numSamples; sample++) {
    for (let i = 0; i < inputDim; i++) {
      const value = Math.fround(inputRng.normal());
      row[i] = value;
      x[sample * inputDim + i] = value;
    }
    for (let task = 0; task < numTasks; task++) {
      const weight = weights[task]!;
      let linear = 0;
      for (let i = 0; i < inputDim; i++) linear += weight[i]! * row[i]!;
      let target = linear;
      for (let s = 0; s < numSines; s++) target += Math.sin(alphas[s]! * linear + betas[s]!);
      targets[task]![sample] = target + noiseStd * noiseRng.normal();
    }
  }
  if (!resolved.binarise) return { args: resolved, x, targets, weights };
  const medians = targets.map(median);
  const labels = targets.map((target, task) => {
    const threshold = medians[task]!;
    return target.map((value) => (value > threshold ? 1 : 0));
  });
  return { args: resolved, x, targets, labels, weights, medians };
}
