/**
 * Seeded initializers: every weight gets its own seed derived from a base seed and its name, so a
 * model built twice with the same seed starts from the same weights, and two weights never share
 * a random stream.
 */
import { checkEnum, deriveSeed } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export const INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'truncatedNormal',
  'zeros',
  'ones',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** The seed of weight `weightName` under `baseSeed` (a 32-bit integer). */
export function weightSeed(baseSeed: number, weightName: string): number {
  return deriveSeed(baseSeed, weightName);
}

export interface SeededInitializerOptions {
  /**
   * Keep the initializer's magnitudes but alternate the signs over the first axis (the kernel's
   * input rows): row i is positive for even i, negative for odd i. Meant for a layer that reads
   * ReLU outputs (>= 0), such as a task tower's logit layer: drawn at random, all its weights can
   * share one sign (for 8 inputs, 1 draw in 128), and then the first updates, which move every
   * output towards its base rate, push every unit of the tower the same way; towards zero, they
   * switch them all off for good (a dead tower). With balanced signs half the units move the other
   * way. Default false.
   */
  readonly balancedSigns?: boolean;
}

/** Rows alternate +1, -1, ...: [rows, 1, ..., 1] to broadcast over the other axes. */
function alternatingSigns(shape: readonly number[]): tf.Tensor {
  const rows = shape[0] ?? 1;
  const signs = Float32Array.from({ length: rows }, (_, i) => (i % 2 === 0 ? 1 : -1));
  return tf.tensor(signs, [rows, ...shape.slice(1).map(() => 1)]);
}

/**
 * `base`'s values with their signs alternating over the first axis (see `balancedSigns`). The
 * same interface as tfjs-layers' `Initializer` (whose base class tfjs-layers does not export).
 */
class BalancedSigns extends tf.serialization.Serializable {
  static readonly className = 'DtrnBalancedSigns';

  constructor(private readonly base: Initializer) {
    super();
  }

  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.abs(this.base.apply(shape, dtype)), alternatingSigns(shape)));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { base: this.base.getClassName() };
  }
}

function baseInitializer(name: InitializerName, seed: number): Initializer {
  switch (name) {
    case 'glorotUniform':
      return tfl.initializers.glorotUniform({ seed });
    case 'glorotNormal':
      return tfl.initializers.glorotNormal({ seed });
    case 'heUniform':
      return tfl.initializers.heUniform({ seed });
    case 'heNormal':
      return tfl.initializers.heNormal({ seed });
    case 'truncatedNormal':
      return tfl.initializers.truncatedNormal({ mean: 0, stddev: 0.02, seed });
    case 'zeros':
      return tfl.initializers.zeros();
    case 'ones':
      return tfl.initializers.ones();
  }
}

/**
 * A tfjs initializer of the given kind, seeded with `weightSeed(baseSeed, weightName)`.
 * `truncatedNormal` uses stddev 0.02 (the usual choice for attention and embedding weights).
 * `options.balancedSigns` alternates the signs over the first axis (see `SeededInitializerOptions`).
 */
export function seededInitializer(
  name: InitializerName,
  baseSeed: number,
  weightName: string,
  options: SeededInitializerOptions = {},
): Initializer {
  checkEnum(name, INITIALIZERS, 'initializer');
  const base = baseInitializer(name, weightSeed(baseSeed, weightName));
  return options.balancedSigns ? (new BalancedSigns(base) as unknown as Initializer) : base;
}
