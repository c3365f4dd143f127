/**
 * PLE [Tang et al., RecSys 2020]; CGC is PLE with one level. At level l, task k mixes its own
 * experts and the shared experts with a softmax gate that reads its own input; every non-final
 * level also has a shared gate over all experts that yields the next level's shared input; the
 * final level's task outputs feed the towers.
 * With DTRN, task-k experts and gate k read x^k and the shared experts read the shared input
 * [our choice, MODEL-SPEC "Composition with heads"].
 */
import { ConfigError, checkNumber } from '@dtrn/base';
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
  WeightOwner,
} from './contract.js';
import { declare, defineHead } from './define-head.js';
import { EXPERT_FAMILY } from './head-family.js';
import { checkHeadInputs } from './inputs.js';

export interface PleArgs extends MtlHeadCommonArgs {
  /** Extraction levels; 1 is CGC. Integer in [1, 8]. Default 2. */
  numLevels?: number;
  /** Task-specific experts per task and level. Integer >= 0. Default 1. */
  numTaskExperts?: number;
  /** Shared experts per level. Integer >= 0 (task + shared >= 1). Default 2. */
  numSharedExperts?: number;
  /** Hidden units of every expert MLP, at every level. Each >= 1. Default [256, 128]. */
  expertUnits?: readonly number[];
}

export interface ResolvedPleArgs extends ResolvedMtlHeadCommonArgs {
  readonly numLevels: number;
  readonly numTaskExperts: number;
  readonly numSharedExperts: number;
  readonly expertUnits: readonly number[];
}

export const DEFAULT_PLE_ARGS = {
  ...DEFAULT_MTL_HEAD_COMMON_ARGS,
  numLevels: 2,
  numTaskExperts: 1,
  numSharedExperts: 2,
  expertUnits: [256, 128],
} as const;

/** One extraction level's weights. */
export interface PleLevelParams {
  /** taskExperts[k][e]: the layers of task k's expert e. */
  readonly taskExperts: DenseParams[][][];
  readonly sharedExperts: DenseParams[][];
  /** taskGates[k]: [D_l, numTaskExperts + numSharedExperts] */
  readonly taskGates: tf.Tensor[];
  /** Non-final levels: [D_l, K * numTaskExperts + numSharedExperts]; the final level: null. */
  readonly sharedGate: tf.Tensor | null;
}

/**
 * Weights, at level l: `level/{l}/task/{k}/expert/{e}/{i}/kernel|bias`, `level/{l}/task/{k}/gate/kernel`,
 * `level/{l}/shared/expert/{e}/{i}/kernel|bias`, `level/{l}/shared/gate/kernel` (non-final levels);
 * then `tower/{k}/{i}/kernel|bias`.
 */
export interface PleParams {
  readonly levels: PleLevelParams[];
  readonly towers: DenseParams[][];
}

export function resolvePleArgs(raw: unknown): ResolvedPleArgs {
  const where = 'PleArgs';
  const { common, raw: value } = resolveCommonArgs(
    raw,
    ['numLevels', 'numTaskExperts', 'numSharedExperts', 'expertUnits'],
    where,
  );
  const count = (key: 'numLevels' | 'numTaskExperts' | 'numSharedExperts', rule: object) =>
    value[key] === undefined ? DEFAULT_PLE_ARGS[key] : checkNumber(value[key], rule, `${where}.${key}`);
  const numLevels = count('numLevels', { integer: true, min: 1, max: 8 });
  const numTaskExperts = count('numTaskExperts', { integer: true, min: 0 });
  const numSharedExperts = count('numSharedExperts', { integer: true, min: 0 });
  if (numTaskExperts + numSharedExperts < 1) {
    throw new ConfigError(`${where}: every gate needs at least one expert`, {
      expected: 'numTaskExperts + numSharedExperts >= 1',
      found: `numTaskExperts ${numTaskExperts}, numSharedExperts ${numSharedExperts}`,
    });
  }
  return Object.freeze({
    ...common,
    numLevels,
    numTaskExperts,
    numSharedExperts,
    expertUnits: resolveUnits(value.expertUnits, DEFAULT_PLE_ARGS.expertUnits, `${where}.expertUnits`),
  });
}

/** Input width of level l: the input width, then the expert output width. */
function levelInputDim(args: ResolvedPleArgs, level: number): number {
  return level === 0 ? args.inputDim : args.expertUnits.at(-1)!;
}

/**
 * Ownership: task k's experts feed only task k at the final level (earlier, the shared gate also
 * mixes them). Gate k's output feeds task k's next-level experts, which reach other tasks only
 * through a later shared gate: so gate k is task k's at the last two levels (or when there are no
 * task experts).
 */
function taskExpertOwner(args: ResolvedPleArgs, level: number, task: number): WeightOwner {
  return level === args.numLevels - 1 ? task : 'shared';
}

function taskGateOwner(args: ResolvedPleArgs, level: number, task: number): WeightOwner {
  return level >= args.numLevels - 2 || args.numTaskExperts === 0 ? task : 'shared';
}

export function pleParameterCount(args: ResolvedPleArgs): number {
  const { numTasks, numTaskExperts, numSharedExperts, expertUnits } = args;
  let total = towersParameterCount(args, expertUnits.at(-1)!);
  for (let level = 0; level < args.numLevels; level++) {
    const inputDim = levelInputDim(args, level);
    total += (numTasks * numTaskExperts + numSharedExperts) * mlpParameterCount(inputDim, expertUnits);
    total += numTasks * inputDim * (numTaskExperts + numSharedExperts);
    if (level < args.numLevels - 1) total += inputDim * (numTasks * numTaskExperts + numSharedExperts);
  }
  return total;
}

function describePleGates(args: ResolvedPleArgs): MtlGateDescription[] {
  const gates: MtlGateDescription[] = [];
  for (let level = 0; level < args.numLevels; level++) {
    for (let task = 0; task < args.numTasks; task++) {
      gates.push({
        name: `level/${level}/task/${task}`,
        task,
        numExperts: args.numTaskExperts + args.numSharedExperts,
      });
    }
    if (level < args.numLevels - 1) {
      gates.push({
        name: `level/${level}/shared`,
        task: null,
        numExperts: args.numTasks * args.numTaskExperts + args.numSharedExperts,
      });
    }
  }
  return gates;
}

export function pleForward(
  params: PleParams,
  inputs: MtlHeadFactoredInputs,
  args: ResolvedPleArgs,
  options: MtlHeadForwardOptions,
): MtlHeadOutput {
  checkHeadInputs(inputs, args, 'PLE');
  const stack = stackOptions(args, options);
  const outputs = tf.tidy(() => {
    let taskInputs = [...inputs.taskInputs]; // K x [B, D_l]
    let sharedInput = inputs.sharedInput; // [B, D_l]
    const gates: tf.Tensor[] = [];
    params.levels.forEach((level, levelIndex) => {
      const prefix = `level/${levelIndex}`;
      const taskExperts = taskInputs.map((input, task) =>
        expertsForward(input, level.taskExperts[task]!, stack, `${prefix}/task/${task}/expert`),
      ); // K x numTask x [B, H]
      const sharedExperts = expertsForward(
        sharedInput,
        level.sharedExperts,
        stack,
        `${prefix}/shared/expert`,
      ); // numShared x [B, H]
      const nextTaskInputs = taskInputs.map((input, task) => {
        const gate = gateForward(input, level.taskGates[task]!); // [B, numTask + numShared]
        gates.push(gate);
        return mixExperts([...taskExperts[task]!, ...sharedExperts], gate); // [B, H]
      });
      if (level.sharedGate) {
        const gate = gateForward(sharedInput, level.sharedGate); // [B, K*numTask + numShared]
        gates.push(gate);
        sharedInput = mixExperts([...taskExperts.flat(), ...sharedExperts], gate); // [B, H]
      }
      taskInputs = nextTaskInputs;
    });
    const logits = taskInputs.map((x, task) => towerForward(x, params.towers[task]!, stack, `tower/${task}`)); // K x [B, 1]
    return options.returnGates ? [...logits, ...gates] : logits;
  });
  const logits = outputs.slice(0, args.numTasks);
  const descriptions = describePleGates(args);
  const gates = outputs.slice(args.numTasks).map((weights, index) => ({
    name: descriptions[index]!.name,
    task: descriptions[index]!.task,
    weights,
  }));
  return { logits, gates };
}

function buildPleParams(args: ResolvedPleArgs, create: Parameters<typeof declare>[0]): PleParams {
  const { numTasks, expertUnits, kernelInitializer: init } = args;
  const levels = Array.from({ length: args.numLevels }, (_, level): PleLevelParams => {
    const prefix = `level/${level}`;
    const inputDim = levelInputDim(args, level);
    const tasks = Array.from({ length: numTasks }, (_, task) => task);
    const gateWidth = args.numTaskExperts + args.numSharedExperts;
    const sharedGateWidth = numTasks * args.numTaskExperts + args.numSharedExperts;
    return {
      taskExperts: tasks.map((task) =>
        declareExperts(
          create,
          `${prefix}/task/${task}/expert`,
          args.numTaskExperts,
          inputDim,
          expertUnits,
          init,
          taskExpertOwner(args, level, task),
        ),
      ),
      sharedExperts: declareExperts(
        create,
        `${prefix}/shared/expert`,
        args.numSharedExperts,
        inputDim,
        expertUnits,
        init,
        'shared',
      ),
      taskGates: tasks.map((task) =>
        declare(
          create,
          `${prefix}/task/${task}/gate/kernel`,
          [inputDim, gateWidth],
          init,
          taskGateOwner(args, level, task),
        ),
      ),
      sharedGate:
        level < args.numLevels - 1
          ? declare(create, `${prefix}/shared/gate/kernel`, [inputDim, sharedGateWidth], init, 'shared')
          : null,
    };
  });
  const towers = declareTowers(create, numTasks, expertUnits.at(-1)!, args.towerUnits, init);
  return { levels, towers };
}

export const pleHead = defineHead<ResolvedPleArgs, PleParams>({
  name: 'ple',
  family: EXPERT_FAMILY,
  /** One CGC level with 1 expert per task and 2 shared: 4 experts for 2 tasks, like MMoE. */
  presetSizes: {
    numLevels: 1,
    numTaskExperts: 1,
    numSharedExperts: 2,
    expertUnits: [256, 128],
    towerUnits: [64],
  },
  resolveArgs: resolvePleArgs,
  buildParams: buildPleParams,
  forward: pleForward,
  forwardFactored: pleForward,
  parameterCount: pleParameterCount,
  describeGates: describePleGates,
});

/** PLE weights as seeded trainable variables. */
export const createPleParams = pleHead.createParams;
/** PLE variables split into shared and per task (see the ownership rule above), by stable name. */
export const pleVariables = pleHead.variables;
