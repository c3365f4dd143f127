/**
 * A minimal head written the way the README recipe says (test-only): logit_k = x^k w_k + b_k plus a
 * shared linear term of the shared input, u . shared. One shared weight, one tower per task.
 */
import { assertKnownKeys, assertPlainObject, checkNumber, optionalNumber } from '@dtrn/base';
import type { DenseParams } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { declareTowers, towerForward } from '../building-blocks.js';
import type { MtlHeadBaseArgs } from '../contract.js';
import { declare, defineHead } from '../define-head.js';
import { checkHeadInputs } from '../inputs.js';

interface LinearArgs extends MtlHeadBaseArgs {}
interface LinearParams {
  readonly towers: DenseParams[][];
  readonly shared: tf.Tensor;
}

export const linearHead = defineHead<LinearArgs, LinearParams>({
  name: 'test-linear',
  // A family of its own: the head has no size arguments, at any scale.
  family: { name: 'linear', sizesAt: () => ({}) },
  presetSizes: {},
  resolveArgs(raw) {
    assertPlainObject(raw, 'LinearArgs');
    assertKnownKeys(raw, ['numTasks', 'inputDim', 'seed'], 'LinearArgs');
    return Object.freeze({
      numTasks: optionalNumber(raw.numTasks, 2, { integer: true, min: 1 }, 'LinearArgs.numTasks'),
      inputDim: checkNumber(raw.inputDim, { integer: true, min: 1 }, 'LinearArgs.inputDim'),
      seed: optionalNumber(raw.seed, 0, { integer: true, min: 0 }, 'LinearArgs.seed'),
    });
  },
  buildParams: (args, create) => ({
    towers: declareTowers(create, args.numTasks, args.inputDim, [], 'glorotUniform'),
    shared: declare(create, 'shared/kernel', [args.inputDim, 1], 'glorotUniform', 'shared'),
  }),
  forward(params, inputs, args, options) {
    checkHeadInputs(inputs, args, 'Linear');
    const stack = {
      activation: 'linear' as const,
      dropoutRate: 0,
      training: options.training,
      seed: options.seed,
    };
    const logits = tf.tidy(() => {
      const common = tf.matMul(inputs.sharedInput, params.shared); // [B, 1]
      return inputs.taskInputs.map((x, task) =>
        tf.add(towerForward(x, params.towers[task]!, stack, `tower/${task}`), common),
      ); // K x [B, 1]
    });
    return { logits, gates: [] };
  },
  parameterCount: (args) => args.numTasks * (args.inputDim + 1) + args.inputDim,
  describeGates: () => [],
});
