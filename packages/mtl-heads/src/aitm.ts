/**
 * AITM, Adaptive Information Transfer Multi-task [Xi et al., KDD 2021]: tasks along a funnel
 * (click -> conversion), each with its own tower; an attention module lets each step take what it
 * needs from the previous step's representation, and a calibrator penalises a later step predicted
 * above the earlier one (conversion needs a click). With the cascade c0, c1, ...:
 *
 *   q_t = f_t(x^t)                                   tower of task t, [B, H] (hidden layers only)
 *   z_{c0} = q_{c0};  for i >= 1, t = c_i:
 *     p = g_i(z_{c(i-1)})                            transfer: one dense layer, [B, H]
 *     w_u = softmax_u(<h1_t(u), h2_t(u)> / sqrt(H))  over u in {p, q_t}
 *     z_t = w_p h3_t(p) + w_q h3_t(q_t)              [B, H]
 *   y_t = sigmoid(o_t(z_t))                          o_t: one linear logit
 *   auxiliary loss of c_i = alpha * mean(max(y_{c_i} - y_{c(i-1)}, 0))
 *
 * y_t is the probability of the whole funnel up to t (clicked and converted), so the cascade tasks
 * after the first are trained on every impression (`entireSpaceTasks`).
 */

import { checkNumber } from '@dtrn/base';
import { type DenseParams, denseForward, mlpParameterCount } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { declareMlp, hiddenStackForward, stackOptions } from './building-blocks.js';
import { cascadeEntireSpaceTasks, resolveCascade, TOWER_FAMILY } from './cascade.js';
import {
  DEFAULT_MTL_HEAD_COMMON_ARGS,
  type MtlHeadCommonArgs,
  type ResolvedMtlHeadCommonArgs,
  resolveCommonArgs,
  resolveUnits,
} from './common-args.js';
import type { MtlHeadFactoredInputs, MtlHeadForwardOptions, MtlHeadGate, MtlHeadOutput } from './contract.js';
import { defineHead } from './define-head.js';
import { checkHeadInputs } from './inputs.js';

export interface AitmArgs extends MtlHeadCommonArgs {
  /** Task indices along the funnel, first step first (e.g. `[0, 1]`: click, conversion). Required. */
  cascade?: readonly number[];
  /** alpha, the weight of the calibrator loss. >= 0 (0 turns it off). Default 0.6. */
  calibratorWeight?: number;
}

export interface ResolvedAitmArgs extends ResolvedMtlHeadCommonArgs {
  readonly cascade: readonly number[];
  readonly calibratorWeight: number;
}

export const DEFAULT_AITM_ARGS = { ...DEFAULT_MTL_HEAD_COMMON_ARGS, calibratorWeight: 0.6 } as const;

/** The attention of one transfer step: h1 (query), h2 (key), h3 (value), each [H, H] with a bias. */
export interface AitParams {
  readonly query: DenseParams;
  readonly key: DenseParams;
  readonly value: DenseParams;
}

/**
 * Weights: `tower/{t}/{i}/...` (f_t), `output/{t}/...` (o_t), and for cascade step i >= 1
 * `transfer/{i}/...` (g_i) and `ait/{i}/query|key|value/...`. Steps before the last are shared
 * (later steps' losses reach them through z and the calibrator); the last step and tasks outside
 * the cascade own theirs.
 */
export interface AitmParams {
  readonly towers: DenseParams[][];
  readonly outputs: DenseParams[];
  /** transfers[i - 1] and attentions[i - 1] belong to cascade step i (i >= 1). */
  readonly transfers: DenseParams[];
  readonly attentions: AitParams[];
}

export function resolveAitmArgs(raw: unknown): ResolvedAitmArgs {
  const { common, raw: value } = resolveCommonArgs(raw, ['cascade', 'calibratorWeight'], 'AitmArgs');
  return Object.freeze({
    ...common,
    towerUnits: resolveUnits(
      value.towerUnits,
      DEFAULT_MTL_HEAD_COMMON_ARGS.towerUnits,
      'AitmArgs.towerUnits',
    ),
    cascade: resolveCascade(value.cascade, common.numTasks, 'AitmArgs.cascade'),
    calibratorWeight:
      value.calibratorWeight === undefined
        ? DEFAULT_AITM_ARGS.calibratorWeight
        : checkNumber(value.calibratorWeight, { min: 0 }, 'AitmArgs.calibratorWeight'),
  });
}

/** H: width of every tower's output, of the transfer and of the attention. */
const width = (args: ResolvedAitmArgs) => args.towerUnits.at(-1)!;

export function aitmParameterCount(args: ResolvedAitmArgs): number {
  const H = width(args);
  const perTask = mlpParameterCount(args.inputDim, args.towerUnits) + H + 1; // tower and logit
  const perTransfer = 4 * (H * H + H); // g_i, h1, h2, h3
  return args.numTasks * perTask + (args.cascade.length - 1) * perTransfer;
}

function owner(args: ResolvedAitmArgs, task: number): number | 'shared' {
  const step = args.cascade.indexOf(task);
  return step >= 0 && step < args.cascade.length - 1 ? 'shared' : task;
}

function buildAitmParams(args: ResolvedAitmArgs, create: Parameters<typeof declareMlp>[0]): AitmParams {
  const H = width(args);
  const init = args.kernelInitializer;
  const dense = (name: string, owned: number | 'shared', units = H) =>
    declareMlp(create, name, H, [units], init, owned, { balancedLastKernel: units === 1 })[0]!;
  const steps = args.cascade.slice(1);
  return {
    towers: Array.from({ length: args.numTasks }, (_, t) =>
      declareMlp(create, `tower/${t}`, args.inputDim, args.towerUnits, init, owner(args, t)),
    ),
    outputs: Array.from({ length: args.numTasks }, (_, t) => dense(`output/${t}`, owner(args, t), 1)),
    transfers: steps.map((task, i) => dense(`transfer/${i + 1}`, owner(args, task))),
    attentions: steps.map((task, i) => ({
      query: dense(`ait/${i + 1}/query`, owner(args, task)),
      key: dense(`ait/${i + 1}/key`, owner(args, task)),
      value: dense(`ait/${i + 1}/value`, owner(args, task)),
    })),
  };
}

/** The attention over {p, q}: z [B, H] and the weights [B, 2] (w_p, w_q). */
function aitForward(p: tf.Tensor, q: tf.Tensor, ait: AitParams): { z: tf.Tensor; weights: tf.Tensor } {
  return tf.tidy(() => {
    const scale = Math.sqrt(p.shape[1]!);
    const score = (u: tf.Tensor) =>
      tf.div(tf.sum(tf.mul(denseForward(u, ait.query), denseForward(u, ait.key)), 1, true), scale); // [B, 1]
    const weights = tf.softmax(tf.concat([score(p), score(q)], 1)); // [B, 2]
    const [wp, wq] = tf.split(weights, 2, 1) as [tf.Tensor, tf.Tensor]; // 2 x [B, 1]
    const z = tf.add(tf.mul(wp, denseForward(p, ait.value)), tf.mul(wq, denseForward(q, ait.value))); // [B, H]
    return { z, weights };
  });
}

/** alpha * mean(max(y_later - y_earlier, 0)) on probabilities from logits [B, 1]. */
function calibratorLoss(later: tf.Tensor, earlier: tf.Tensor, alpha: number): tf.Scalar {
  return tf.tidy(
    () => tf.mul(tf.mean(tf.relu(tf.sub(tf.sigmoid(later), tf.sigmoid(earlier)))), alpha) as tf.Scalar,
  );
}

export function aitmForward(
  params: AitmParams,
  inputs: MtlHeadFactoredInputs,
  args: ResolvedAitmArgs,
  options: MtlHeadForwardOptions,
): MtlHeadOutput {
  checkHeadInputs(inputs, args, 'Aitm');
  const stack = stackOptions(args, options);
  // (tidy keeps the tensors of the returned object; `as never`: its type has gates' names in it)
  return tf.tidy(() => {
    const q = inputs.taskInputs.map((x, t) => hiddenStackForward(x, params.towers[t]!, stack, `tower/${t}`)); // K x [B, H]
    const z = [...q];
    const gates: MtlHeadGate[] = [];
    args.cascade.slice(1).forEach((task, index) => {
      const previous = args.cascade[index]!;
      const transferred = denseForward(z[previous]!, params.transfers[index]!, args.activation); // [B, H]
      const ait = aitForward(transferred, q[task]!, params.attentions[index]!);
      z[task] = ait.z;
      if (options.returnGates) gates.push({ name: `ait/${index + 1}`, task, weights: ait.weights });
    });
    const logits = z.map((zt, t) => denseForward(zt, params.outputs[t]!)); // K x [B, 1]
    if (!options.withLoss) return { logits, gates } as never;
    const auxiliaryLosses: (tf.Scalar | null)[] = logits.map(() => null);
    args.cascade.slice(1).forEach((task, index) => {
      const earlier = logits[args.cascade[index]!]!;
      auxiliaryLosses[task] = calibratorLoss(logits[task]!, earlier, args.calibratorWeight); // []
    });
    return { logits, gates, auxiliaryLosses } as never;
  });
}

export const aitmHead = defineHead<ResolvedAitmArgs, AitmParams>({
  name: 'aitm',
  family: TOWER_FAMILY,
  /** Towers of [384, 256, 64]: 555k dense weights at d = 40, beside MMoE's 562k (parameter-table.mjs). */
  presetSizes: { towerUnits: [384, 256, 64] },
  resolveArgs: resolveAitmArgs,
  buildParams: buildAitmParams,
  forward: aitmForward,
  forwardFactored: aitmForward,
  parameterCount: aitmParameterCount,
  describeGates: (args) =>
    args.cascade.slice(1).map((task, index) => ({ name: `ait/${index + 1}`, task, numExperts: 2 })),
  usesCascade: true,
  entireSpaceTasks: (args) => cascadeEntireSpaceTasks(args.cascade, args.numTasks),
});

/** AITM weights as seeded trainable variables. */
export const createAitmParams = aitmHead.createParams;
/** AITM variables split into shared and per task, by stable name. */
export const aitmVariables = aitmHead.variables;
