/**
 * Shared-Bottom [MMoE paper, eq. 1]: `y_k = h_k(f(x))`, one shared MLP f and one tower h_k per task.
 * With task-specific inputs (DTRN) the shared bottom is applied to each task's own input:
 * `y_k = h_k(f(x^k))` [our choice].
 */

import { type DenseParams, mlpParameterCount } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  declareMlp,
  declareTowers,
  hiddenStackForward,
  stackOptions,
  towerForward,
  towersParameterCount,
} from './building-blocks.js';
import {
  DEFAULT_MTL_HEAD_COMMON_ARGS,
  type MtlHeadCommonArgs,
  type ResolvedMtlHeadCommonArgs,
  resolveCommonArgs,
  resolveUnits,
} from './common-args.js';
import type { MtlHeadFactoredInputs, MtlHeadForwardOptions, MtlHeadOutput } from './contract.js';
import { defineHead } from './define-head.js';
import { BOTTOM_FAMILY } from './head-family.js';
import { applyPerTaskInput, checkHeadInputs } from './inputs.js';

export interface SharedBottomArgs extends MtlHeadCommonArgs {
  /** Hidden units of the shared bottom MLP f (ReLU by default). Each an integer >= 1. Default [256, 128]. */
  bottomUnits?: readonly number[];
}

export interface ResolvedSharedBottomArgs extends ResolvedMtlHeadCommonArgs {
  readonly bottomUnits: readonly number[];
}

export const DEFAULT_SHARED_BOTTOM_ARGS = {
  ...DEFAULT_MTL_HEAD_COMMON_ARGS,
  bottomUnits: [256, 128],
} as const;

/** Weights: `bottom/{i}/kernel|bias` (shared), `tower/{k}/{i}/kernel|bias` (task k). */
export interface SharedBottomParams {
  readonly bottom: DenseParams[];
  /** towers[k]: task k's tower, ending in one logit. */
  readonly towers: DenseParams[][];
}

export function resolveSharedBottomArgs(raw: unknown): ResolvedSharedBottomArgs {
  const { common, raw: value } = resolveCommonArgs(raw, ['bottomUnits'], 'SharedBottomArgs');
  return Object.freeze({
    ...common,
    bottomUnits: resolveUnits(
      value.bottomUnits,
      DEFAULT_SHARED_BOTTOM_ARGS.bottomUnits,
      'SharedBottomArgs.bottomUnits',
    ),
  });
}

export function sharedBottomParameterCount(args: ResolvedSharedBottomArgs): number {
  const bottomOut = args.bottomUnits.at(-1)!;
  return mlpParameterCount(args.inputDim, args.bottomUnits) + towersParameterCount(args, bottomOut);
}

export function sharedBottomForward(
  params: SharedBottomParams,
  inputs: MtlHeadFactoredInputs,
  args: ResolvedSharedBottomArgs,
  options: MtlHeadForwardOptions,
): MtlHeadOutput {
  checkHeadInputs(inputs, args, 'SharedBottom');
  const stack = stackOptions(args, options);
  const logits = tf.tidy(() => {
    const bottoms = applyPerTaskInput(inputs.taskInputs, (x) =>
      hiddenStackForward(x, params.bottom, stack, 'bottom'),
    ); // K x [B, H]
    return bottoms.map((h, task) => towerForward(h, params.towers[task]!, stack, `tower/${task}`)); // K x [B, 1]
  });
  return { logits, gates: [] };
}

export const sharedBottomHead = defineHead<ResolvedSharedBottomArgs, SharedBottomParams>({
  name: 'shared-bottom',
  family: BOTTOM_FAMILY,
  /** A wider bottom than the default, so the dense budget is close to the 4-expert heads'. */
  presetSizes: { bottomUnits: [640, 384], towerUnits: [64] },
  resolveArgs: resolveSharedBottomArgs,
  buildParams: (args, create) => ({
    bottom: declareMlp(create, 'bottom', args.inputDim, args.bottomUnits, args.kernelInitializer, 'shared'),
    towers: declareTowers(
      create,
      args.numTasks,
      args.bottomUnits.at(-1)!,
      args.towerUnits,
      args.kernelInitializer,
    ),
  }),
  forward: sharedBottomForward,
  forwardFactored: sharedBottomForward,
  parameterCount: sharedBottomParameterCount,
  describeGates: () => [],
});

/** Shared-Bottom weights as seeded trainable variables. */
export const createSharedBottomParams = sharedBottomHead.createParams;
/** Shared-Bottom variables split into shared and per task, by stable name. */
export const sharedBottomVariables = sharedBottomHead.variables;
