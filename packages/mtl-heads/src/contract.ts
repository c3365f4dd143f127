/**
 * The contract every multi-task head implements: K task inputs plus one shared input in, K logits
 * out; which weights are shared and which belong to task k; gate weights for inspection.
 */
import type { DenseInput, InitializerName } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { HeadFamily } from './head-family.js';

/** What a head reads. All tensors are [B, inputDim]. */
export interface MtlHeadInputs {
  /** One input per task, indexed by task (K x [B, D]). Baselines pass the same tensor K times. */
  readonly taskInputs: readonly tf.Tensor[];
  /** The task-agnostic input (PLE's shared experts read it; other heads may ignore it). [B, D] */
  readonly sharedInput: tf.Tensor;
}

/**
 * Inputs of `forwardFactored`: any input may be FactoredRows from @dtrn/core (C rows equal except
 * in one column range, e.g. one user against C candidate items). Shapes as in MtlHeadInputs.
 */
export interface MtlHeadFactoredInputs {
  readonly taskInputs: readonly DenseInput[];
  readonly sharedInput: DenseInput;
}

/** One softmax gate's weights over the experts it mixes. */
export interface MtlHeadGate {
  /** Stable gate name, e.g. `gate/0` (MMoE) or `level/0/shared` (PLE). */
  readonly name: string;
  /** The task the gate feeds, or null for a shared gate. */
  readonly task: number | null;
  /** Softmax weights, rows sum to 1. [B, E] */
  readonly weights: tf.Tensor;
}

/** What a head returns. The caller disposes every tensor in it. */
export interface MtlHeadOutput {
  /** One logit per sample and task (no sigmoid), K x [B, 1]. */
  readonly logits: tf.Tensor[];
  /** Gate weights, only when `returnGates` was set (otherwise empty). */
  readonly gates: MtlHeadGate[];
  /**
   * Only with `withLoss`, from heads that have them: K x [B, 1] logits the task losses are computed
   * on, where they differ from `logits` (ESMM: task t's loss logit is that of pCTR x pCVR).
   * Absent: the losses use `logits`.
   */
  readonly lossLogits?: tf.Tensor[];
  /**
   * Only with `withLoss`, from heads that have them: per task an extra loss term (a scalar the
   * trainer adds to the objective with task t's loss, e.g. AITM's calibrator) or null.
   */
  readonly auxiliaryLosses?: (tf.Scalar | null)[];
}

export interface MtlHeadForwardOptions {
  /** Training mode: enables dropout. */
  readonly training: boolean;
  /** Return the gate weights too (new tensors the caller disposes). Default false. */
  readonly returnGates?: boolean;
  /**
   * Dropout seed for this call. With a seed the dropout masks are deterministic; pass a different
   * seed per step (e.g. the step number) to draw new masks. Without one, masks are random.
   */
  readonly seed?: number;
  /**
   * Also return the training-loss outputs (`lossLogits`, `auxiliaryLosses`) of a head whose
   * training loss is not BCE on `logits` over each task's sample space (ESMM, AITM). Trainers set
   * it; other callers leave it off and get only `logits` and `gates`. Default false.
   */
  readonly withLoss?: boolean;
}

/** Which weights only task k's logit depends on, and which the tasks share. */
export interface MtlHeadVariables {
  /** Weights that two or more tasks' logits depend on, by stable name. */
  readonly shared: Record<string, tf.Variable>;
  /** `perTask[k]`: weights that only task k's logit depends on, by stable name. */
  readonly perTask: Record<string, tf.Variable>[];
}

/** Who a weight belongs to: `'shared'` or a task index. */
export type WeightOwner = 'shared' | number;

/** A weight a head declares: created as a `tf.Variable` by `createParams`, via `addWeight` by the Layer. */
export interface HeadWeightSpec {
  /** Stable name, e.g. `expert/0/1/kernel`; also the Layer's weight name and the saved weight name. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Initializer kind, seeded by `seededInitializer(initializer, args.seed, name)`. */
  readonly initializer: InitializerName;
  /**
   * The initializer's magnitudes with signs alternating over the input rows (`@dtrn/core`'s
   * `balancedSigns`); the built-in heads set it on every tower's logit layer. Default false.
   */
  readonly balancedSigns?: boolean;
  readonly owner: WeightOwner;
}

/** Creates (or looks up) the tensor of one declared weight. */
export type WeightCreator = (spec: HeadWeightSpec) => tf.Tensor;

/** A gate as declared by the head's arguments (no tensors). */
export interface MtlGateDescription {
  readonly name: string;
  readonly task: number | null;
  /** Number of experts the gate mixes (the width E of its weights). */
  readonly numExperts: number;
}

/** Arguments every head has (after resolution). */
export interface MtlHeadBaseArgs {
  readonly numTasks: number;
  readonly inputDim: number;
  readonly seed: number;
}

/** A multi-task head, as stored in the registry. See the README for the recipe to add one. */
export interface MtlHeadDefinition<Args extends MtlHeadBaseArgs = MtlHeadBaseArgs, Params = unknown> {
  /** Registry key, kebab-case (e.g. `mmoe`). */
  readonly name: string;
  /** The kind of size arguments the head takes, and its sizes at an app's scale (`head-family.ts`). */
  readonly family: HeadFamily;
  /**
   * The head's sizes in the library's model presets (`@dtrn/model`): size arguments chosen for a
   * dense budget comparable with the other built-in heads. Valid arguments for `resolveArgs`.
   */
  readonly presetSizes: Readonly<Record<string, unknown>>;
  /** Strict resolution of raw arguments into a complete readonly object. */
  resolveArgs(raw: unknown): Args;
  /**
   * The head's weights as a typed object: calls `create` once per weight (same names, shapes and
   * order every time) and organises the results. Used by `createParams` (tf.Variables) and by the
   * generic Layer (`addWeight`, then `LayerVariable.read()` on every call).
   */
  buildParams(args: Args, create: WeightCreator): Params;
  /** The weights as trainable `tf.Variable`s (the caller disposes them, e.g. via `variables`). */
  createParams(args: Args): Params;
  /** Pure forward pass, wrapped in `tf.tidy`. */
  forward(params: Params, inputs: MtlHeadInputs, args: Args, options: MtlHeadForwardOptions): MtlHeadOutput;
  /**
   * Optional: the same forward pass where inputs may be FactoredRows (inference). A head whose
   * first layers are dense products of its inputs (denseForward / mlpForward accept FactoredRows)
   * gets it by typing its forward with MtlHeadFactoredInputs and passing it here too; scoring many
   * candidates for one user then costs one shared-row product plus a narrow one per layer-1 kernel.
   * Without it, callers materialise the rows and use `forward`.
   */
  forwardFactored?(
    params: Params,
    inputs: MtlHeadFactoredInputs,
    args: Args,
    options: MtlHeadForwardOptions,
  ): MtlHeadOutput;
  /** The variables of params made by `createParams`, split into shared and per task. */
  variables(params: Params): MtlHeadVariables;
  /** Closed-form number of trainable scalars. */
  parameterCount(args: Args): number;
  /** The gates `forward` returns with `returnGates`, in the same order. */
  describeGates(args: Args): MtlGateDescription[];
  /**
   * Optional: the head's args take `cascade`, task indices along a funnel (e.g. `[click,
   * conversion]`, `cascade.ts`). `@dtrn/model` fills it from the dataset's sample spaces (conversion
   * `positiveOf` click) and checks a given one against them.
   */
  readonly usesCascade?: boolean;
  /**
   * Optional: per task, whether its training loss runs over every row (the entire space) with the
   * label "this task and every earlier step of the cascade positive" (its label times its sample
   * mask) instead of over its sample space. ESMM and AITM say true for every cascade task after
   * the first. Absent: false for every task.
   */
  entireSpaceTasks?(args: Args): readonly boolean[];
}
