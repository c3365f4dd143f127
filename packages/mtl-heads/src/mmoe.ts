/**
 * MMoE [Ma et al., KDD 2018, eqs. 6-8]: `f^k(x) = sum_i g^k(x)_i E_i(x)`,
 * `g^k(x) = softmax(W_gk x)` (linear gate, no bias), `y_k = h_k(f^k(x))`.
 * With task-specific inputs (DTRN) the shared experts run on each task's own input and gate k reads
 * x^k: `f^k = sum_i softmax(W_gk x^k)_i E_i(x^k)` [our choice].
 */
import { checkNumber } from '@dtrn/base';
import { type DenseParams, mlpParameterCount } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  declareExperts,
  declareTowers,
  expertsForward,
  gateForward,
  mixExperts,
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
import type {
  MtlGateDescription,
  MtlHeadFactoredInputs,
  MtlHeadForwardOptions,
  MtlHeadOutput,
} from './contract.js';
import { declare, defineHead } from './define-head.js';
import { EXPERT_FAMILY } from './head-family.js';
import { applyPerTaskInput, checkHeadInputs } from './inputs.js';

export interface MmoeArgs extends MtlHeadCommonArgs {
  /** Number of experts E. Integer >= 1. Default 4. */
  numExperts?: number;
  /** Hidden units of every expert MLP (all layers keep the hidden activation). Each >= 1. Default [256, 128]. */
  expertUnits?: readonly number[];
}

export interface ResolvedMmoeArgs extends ResolvedMtlHeadCommonArgs {
  readonly numExperts: number;
  readonly expertUnits: readonly number[];
}

export const DEFAULT_MMOE_ARGS = {
  ...DEFAULT_MTL_HEAD_COMMON_ARGS,
  numExperts: 4,
  expertUnits: [256, 128],
} as const;

/**
 * Weights: `expert/{e}/{i}/kernel|bias` (shared), `gate/{k}/kernel` [D, E] (task k),
 * `tower/{k}/{i}/kernel|bias` (task k).
 */
export interface MmoeParams {
  /** experts[e]: the layers of expert e. */
  readonly experts: DenseParams[][];
  /** gates[k]: task k's gate kernel [D, E]. */
  readonly gates: tf.Tensor[];
  readonly towers: DenseParams[][];
}

export function resolveMmoeArgs(raw: unknown): ResolvedMmoeArgs {
  const { common, raw: value } = resolveCommonArgs(raw, ['numExperts', 'expertUnits'], 'MmoeArgs');
  return Object.freeze({
    ...common,
    numExperts:
      value.numExperts === undefined
        ? DEFAULT_MMOE_ARGS.numExperts
        : checkNumber(value.numExperts, { integer: true, min: 1 }, 'MmoeArgs.numExperts'),
    expertUnits: resolveUnits(value.expertUnits, DEFAULT_MMOE_ARGS.expertUnits, 'MmoeArgs.expertUnits'),
  });
}

export function mmoeParameterCount(args: ResolvedMmoeArgs): number {
  const expertOut = args.expertUnits.at(-1)!;
  return (
    args.numExperts * mlpParameterCount(args.inputDim, args.expertUnits) +
    args.numTasks * args.inputDim * args.numExperts +
    towersParameterCount(args, expertOut)
  );
}

function describeMmoeGates(args: ResolvedMmoeArgs): MtlGateDescription[] {
  return Array.from({ length: args.numTasks }, (_, task) => ({
    name: `gate/${task}`,
    task,
    numExperts: args.numExperts,
  }));
}

export function mmoeForward(
  params: MmoeParams,
  inputs: MtlHeadFactoredInputs,
  args: ResolvedMmoeArgs,
  options: MtlHeadForwardOptions,
): MtlHeadOutput {
  checkHeadInputs(inputs, args, 'MMoE');
  const stack = stackOptions(args, options);
  const outputs = tf.tidy(() => {
    const experts = applyPerTaskInput(inputs.taskInputs, (x) =>
      expertsForward(x, params.experts, stack, 'expert'),
    ); // K x [B, E, H]
    const gates = inputs.taskInputs.map((x, task) => gateForward(x, params.gates[task]!)); // K x [B, E]
    const logits = gates.map((gate, task) => {
      const mixed = mixExperts(experts[task]!, gate); // [B, H]
      return towerForward(mixed, params.towers[task]!, stack, `tower/${task}`); // [B, 1]
    });
    return options.returnGates ? [...logits, ...gates] : logits;
  });
  const logits = outputs.slice(0, args.numTasks);
  const gates = outputs
    .slice(args.numTasks)
    .map((weights, task) => ({ name: `gate/${task}`, task, weights }));
  return { logits, gates };
}

export const mmoeHead = defineHead<ResolvedMmoeArgs, MmoeParams>({
  name: 'mmoe',
  family: EXPERT_FAMILY,
  /** 4 experts of [256, 128] (MODEL-SPEC: 4 to 8). */
  presetSizes: { numExperts: 4, expertUnits: [256, 128], towerUnits: [64] },
  resolveArgs: resolveMmoeArgs,
  buildParams: (args, create) => ({
    experts: declareExperts(
      create,
      'expert',
      args.numExperts,
      args.inputDim,
      args.expertUnits,
      args.kernelInitializer,
      'shared',
    ),
    gates: Array.from({ length: args.numTasks }, (_, task) =>
      declare(create, `gate/${task}/kernel`, [args.inputDim, args.numExperts], args.kernelInitializer, task),
    ),
    towers: declareTowers(
      create,
      args.numTasks,
      args.expertUnits.at(-1)!,
      args.towerUnits,
      args.kernelInitializer,
    ),
  }),
  forward: mmoeForward,
  forwardFactored: mmoeForward,
  parameterCount: mmoeParameterCount,
  describeGates: describeMmoeGates,
});

/** MMoE weights as seeded trainable variables. */
export const createMmoeParams = mmoeHead.createParams;
/** MMoE variables split into shared (experts) and per task (gate k, tower k), by stable name. */
export const mmoeVariables = mmoeHead.variables;
