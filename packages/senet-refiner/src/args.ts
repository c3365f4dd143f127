/**
 * Configuration of the TRM (task-specific SENet-like refiner): strict resolution of `SenetRefinerArgs`
 * into a complete, frozen `ResolvedSenetRefinerArgs`.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  checkNumber,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';
import { ACTIVATIONS, type ActivationName } from '@dtrn/core';

/** How a task's field matrix [B, N, d] is squeezed into the excitation input. */
export const SQUEEZE_MODES = ['mean', 'flatten'] as const;
export type SqueezeMode = (typeof SQUEEZE_MODES)[number];

/** The gate that turns the excitation logits into field weights. */
export const EXCITATION_ACTIVATIONS = ['scaledSigmoid', 'sigmoid', 'relu'] as const;
export type ExcitationActivation = (typeof EXCITATION_ACTIVATIONS)[number];

export interface SenetRefinerArgs {
  /** K, the number of tasks; one SENet-like network per task. Integer >= 1. Required. */
  numTasks: number;
  /**
   * N, the number of fields per task (F shared fields + M interest fields in DTRN). Integer >= 1.
   * Required.
   */
  numFields: number;
  /** d, the embedding size of every field. Integer >= 1. Required. */
  embeddingDim: number;
  /**
   * Squeeze: `mean` (z_i = mean over d of field i, z is [B, N]; the SENet / FiBiNET convention) or
   * `flatten` (z = the whole field matrix flattened, [B, N*d]). Default `mean`.
   */
  squeeze?: SqueezeMode;
  /**
   * Reduction ratio: the excitation MLP's hidden size is max(1, ceil(N / reductionRatio)) units.
   * Finite number > 0 (values below 1 widen the hidden layer). Default 3.
   */
  reductionRatio?: number;
  /** Activation of the excitation MLP's hidden layer. One of the @dtrn/core activations. Default `relu`. */
  hiddenActivation?: ActivationName;
  /**
   * Gate on the excitation output, giving the field weights: `scaledSigmoid` = 2 * sigmoid, weights in
   * (0, 2), so the identity (all weights 1) is reachable; `sigmoid`, weights in (0, 1) (original SENet);
   * `relu`, weights in [0, inf) (FiBiNET). Default `scaledSigmoid`.
   */
  excitationActivation?: ExcitationActivation;
  /**
   * Start with every field weight equal: the excitation's output kernel starts at zero and its bias
   * at the value giving weight 1 (`scaledSigmoid`: bias 0; `relu`: bias 1), so the refiner starts as
   * the identity; with `sigmoid` every weight starts at 0.5. When false, the output kernel is
   * glorot-uniform and the bias zero. Default true.
   */
  startUniform?: boolean;
  /** Base seed of the weight initializers (each weight derives its own from its name). Integer >= 0. Default 0. */
  seed?: number;
}

export type ResolvedSenetRefinerArgs = Readonly<Required<SenetRefinerArgs>>;

/** Defaults of the optional fields (numTasks, numFields and embeddingDim have none). */
export const DEFAULT_SENET_REFINER_ARGS = Object.freeze({
  squeeze: 'mean',
  reductionRatio: 3,
  hiddenActivation: 'relu',
  excitationActivation: 'scaledSigmoid',
  startUniform: true,
  seed: 0,
} as const satisfies Omit<ResolvedSenetRefinerArgs, 'numTasks' | 'numFields' | 'embeddingDim'>);

const KEYS = [
  'numTasks',
  'numFields',
  'embeddingDim',
  'squeeze',
  'reductionRatio',
  'hiddenActivation',
  'excitationActivation',
  'startUniform',
  'seed',
] as const satisfies readonly (keyof SenetRefinerArgs)[];

const WHERE = 'SenetRefinerArgs';

/**
 * Checks raw arguments strictly (unknown keys name the closest valid key; every value is range
 * checked) and fills in the defaults.
 *
 * @throws ConfigError naming the argument, what was expected and what was found.
 */
export function resolveSenetRefinerArgs(raw: unknown): ResolvedSenetRefinerArgs {
  assertPlainObject(raw, WHERE);
  assertKnownKeys(raw, KEYS, WHERE);
  const defaults = DEFAULT_SENET_REFINER_ARGS;
  return Object.freeze({
    numTasks: checkNumber(raw.numTasks, { integer: true, min: 1 }, `${WHERE}.numTasks`),
    numFields: checkNumber(raw.numFields, { integer: true, min: 1 }, `${WHERE}.numFields`),
    embeddingDim: checkNumber(raw.embeddingDim, { integer: true, min: 1 }, `${WHERE}.embeddingDim`),
    squeeze: optionalEnum(raw.squeeze, defaults.squeeze, SQUEEZE_MODES, `${WHERE}.squeeze`),
    reductionRatio: optionalNumber(
      raw.reductionRatio,
      defaults.reductionRatio,
      { above: 0 },
      `${WHERE}.reductionRatio`,
    ),
    hiddenActivation: optionalEnum(
      raw.hiddenActivation,
      defaults.hiddenActivation,
      ACTIVATIONS,
      `${WHERE}.hiddenActivation`,
    ),
    excitationActivation: optionalEnum(
      raw.excitationActivation,
      defaults.excitationActivation,
      EXCITATION_ACTIVATIONS,
      `${WHERE}.excitationActivation`,
    ),
    startUniform: optionalBoolean(raw.startUniform, defaults.startUniform, `${WHERE}.startUniform`),
    seed: optionalNumber(raw.seed, defaults.seed, { integer: true, min: 0 }, `${WHERE}.seed`),
  });
}

/** r, the excitation MLP's hidden size: max(1, ceil(N / reductionRatio)). */
export function senetHiddenUnits(
  args: Pick<ResolvedSenetRefinerArgs, 'numFields' | 'reductionRatio'>,
): number {
  // Round before ceil so that e.g. 6 / 0.1 (= 60.00000000000001) gives 60, not 61.
  return Math.max(1, Math.ceil(Number((args.numFields / args.reductionRatio).toPrecision(12))));
}

/** Width of the squeezed vector z: N (`mean`) or N * d (`flatten`). */
export function senetSqueezeWidth(
  args: Pick<ResolvedSenetRefinerArgs, 'numFields' | 'embeddingDim' | 'squeeze'>,
): number {
  return args.squeeze === 'mean' ? args.numFields : args.numFields * args.embeddingDim;
}
