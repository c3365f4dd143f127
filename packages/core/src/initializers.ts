/**
 * Seeded initializers: every weight gets its own seed derived from a base seed and its name, so a
 * model built twice with the same seed starts from the same weights, and two weights never share
 * a random stream.
 */
import { checkEnum, deriveSeed } from '@dtrn/base';
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

/**
 * A tfjs initializer of the given kind, seeded with `weightSeed(baseSeed, weightName)`.
 * `truncatedNormal` uses stddev 0.02 (the usual choice for attention and embedding weights).
 */
export function seededInitializer(name: InitializerName, baseSeed: number, weightName: string): Initializer {
  checkEnum(name, INITIALIZERS, 'initializer');
  const seed = weightSeed(baseSeed, weightName);
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
