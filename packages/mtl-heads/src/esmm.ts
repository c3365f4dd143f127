/**
 * ESMM, the Entire Space Multi-task Model [Ma et al., SIGIR 2018]: one tower per task; along the
 * cascade (click -> conversion) the conversion tower predicts pCVR = p(conversion | click), and its
 * training loss is on pCTCVR = pCTR x pCVR over every impression, with label "clicked and
 * converted". pCVR is then learnt on the entire space instead of on clicked rows only, and the
 * click tower also learns from the conversion loss.
 *
 *   prediction  y_t = sigmoid(h_t(x^t))                       (every task: its own tower)
 *   loss logit  u_{c0} = h_{c0}(x^{c0}),  u_{ci} = logit(sigmoid(u_{c(i-1)}) sigmoid(h_{ci}(x^{ci})))
 *
 * for the cascade c0, c1, ... (a longer cascade chains the product [our generalisation]).
 */

import type { DenseParams } from '@dtrn/core';
import { mlpParameterCount } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { declareMlp, stackOptions, towerForward } from './building-blocks.js';
import { cascadeEntireSpaceTasks, productLogit, resolveCascade, TOWER_FAMILY } from './cascade.js';
import {
  DEFAULT_MTL_HEAD_COMMON_ARGS,
  type MtlHeadCommonArgs,
  type ResolvedMtlHeadCommonArgs,
  resolveCommonArgs,
} from './common-args.js';
import type { MtlHeadFactoredInputs, MtlHeadForwardOptions, MtlHeadOutput } from './contract.js';
import { defineHead } from './define-head.js';
import { checkHeadInputs } from './inputs.js';

export interface EsmmArgs extends MtlHeadCommonArgs {
  /**
   * Task indices along the funnel, first step first, e.g. `[0, 1]` for click then conversion.
   * At least 2, distinct. Required (`@dtrn/model` fills it from the dataset's sample spaces).
   */
  cascade?: readonly number[];
}

export interface ResolvedEsmmArgs extends ResolvedMtlHeadCommonArgs {
  readonly cascade: readonly number[];
}

export const DEFAULT_ESMM_ARGS = { ...DEFAULT_MTL_HEAD_COMMON_ARGS } as const;

/**
 * Weights: `tower/{k}/{i}/kernel|bias`. Owned by task k, except the towers of cascade steps before
 * the last: later steps' losses (the products) reach them, so they are shared.
 */
export interface EsmmParams {
  /** towers[k]: task k's tower on its own input, ending in one logit. */
  readonly towers: DenseParams[][];
}

export function resolveEsmmArgs(raw: unknown): ResolvedEsmmArgs {
  const { common, raw: value } = resolveCommonArgs(raw, ['cascade'], 'EsmmArgs');
  return Object.freeze({
    ...common,
    cascade: resolveCascade(value.cascade, common.numTasks, 'EsmmArgs.cascade'),
  });
}

export function esmmParameterCount(args: ResolvedEsmmArgs): number {
  return args.numTasks * mlpParameterCount(args.inputDim, [...args.towerUnits, 1]);
}

/** Who owns task k's tower: the task, or 'shared' for a cascade step before the last. */
function towerOwner(args: ResolvedEsmmArgs, task: number): number | 'shared' {
  const step = args.cascade.indexOf(task);
  return step >= 0 && step < args.cascade.length - 1 ? 'shared' : task;
}

export function esmmForward(
  params: EsmmParams,
  inputs: MtlHeadFactoredInputs,
  args: ResolvedEsmmArgs,
  options: MtlHeadForwardOptions,
): MtlHeadOutput {
  checkHeadInputs(inputs, args, 'Esmm');
  const stack = stackOptions(args, options);
  return tf.tidy(() => {
    const logits = inputs.taskInputs.map((x, task) =>
      towerForward(x, params.towers[task]!, stack, `tower/${task}`),
    ); // K x [B, 1]
    if (!options.withLoss) return { logits, gates: [] };
    const lossLogits = [...logits];
    for (let step = 1; step < args.cascade.length; step++) {
      const previous = args.cascade[step - 1]!;
      const task = args.cascade[step]!;
      lossLogits[task] = productLogit(lossLogits[previous]!, logits[task]!); // [B, 1], logit of the running product
    }
    return { logits, gates: [], lossLogits };
  });
}

export const esmmHead = defineHead<ResolvedEsmmArgs, EsmmParams>({
  name: 'esmm',
  family: TOWER_FAMILY,
  /** Towers of [400, 256, 64]: 559k dense weights at d = 40, beside MMoE's 562k (parameter-table.mjs). */
  presetSizes: { towerUnits: [400, 256, 64] },
  resolveArgs: resolveEsmmArgs,
  buildParams: (args, create) => ({
    towers: Array.from({ length: args.numTasks }, (_, task) =>
      declareMlp(
        create,
        `tower/${task}`,
        args.inputDim,
        [...args.towerUnits, 1],
        args.kernelInitializer,
        towerOwner(args, task),
        {
          balancedLastKernel: true,
        },
      ),
    ),
  }),
  forward: esmmForward,
  forwardFactored: esmmForward,
  parameterCount: esmmParameterCount,
  describeGates: () => [],
  usesCascade: true,
  entireSpaceTasks: (args) => cascadeEntireSpaceTasks(args.cascade, args.numTasks),
});

/** ESMM weights as seeded trainable variables. */
export const createEsmmParams = esmmHead.createParams;
/** ESMM variables split into shared and per task, by stable name. */
export const esmmVariables = esmmHead.variables;
