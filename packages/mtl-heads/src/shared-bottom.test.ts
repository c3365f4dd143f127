import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allHeadVariables } from './define-head.js';
import {
  createSharedBottomParams,
  DEFAULT_SHARED_BOTTOM_ARGS,
  resolveSharedBottomArgs,
  sharedBottomForward,
  sharedBottomHead,
  sharedBottomParameterCount,
  sharedBottomVariables,
} from './shared-bottom.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { expectMessage } from './testing/messages.js';
import { maxDifference, randomInputs } from './testing/tensors.js';

describeHeadContract(sharedBottomHead, {
  args: { numTasks: 3, inputDim: 6, bottomUnits: [5, 4], towerUnits: [3], seed: 2 },
  gradientArgs: { numTasks: 2, inputDim: 3, bottomUnits: [3], towerUnits: [2], activation: 'tanh' },
  readsSharedInput: false,
});

describe('shared-bottom', () => {
  it('resolves defaults and rejects invalid arguments with exact messages', () => {
    expect(resolveSharedBottomArgs({ inputDim: 368 })).toEqual({
      ...DEFAULT_SHARED_BOTTOM_ARGS,
      inputDim: 368,
    });
    expectMessage(
      () => resolveSharedBottomArgs({ inputDim: 8, bottomUnit: [4] }),
      'SharedBottomArgs: unknown key "bottomUnit"; did you mean "bottomUnits"? (valid keys: numTasks, inputDim, towerUnits, activation, dropoutRate, kernelInitializer, seed, bottomUnits)',
    );
    expectMessage(
      () => resolveSharedBottomArgs({ inputDim: 8, bottomUnits: [4, 0] }),
      'SharedBottomArgs.bottomUnits[1] is invalid (expected an integer >= 1, found 0)',
    );
    expectMessage(
      () => resolveSharedBottomArgs({ inputDim: 8, numTasks: 1.5 }),
      'SharedBottomArgs.numTasks is invalid (expected an integer >= 1, found 1.5)',
    );
    expectMessage(
      () => resolveSharedBottomArgs([8]),
      'SharedBottomArgs must be an object (expected an object, found [8])',
    );
  });

  it('computes y_k = h_k(f(x^k)) with the bottom applied to each task input (equation 1)', () => {
    const args = resolveSharedBottomArgs({ numTasks: 2, inputDim: 4, bottomUnits: [5], towerUnits: [] });
    const params = createSharedBottomParams(args);
    const inputs = randomInputs(2, 6, 4, 21);
    const output = sharedBottomForward(params, inputs, args, { training: false });
    tf.tidy(() => {
      inputs.taskInputs.forEach((x, task) => {
        const bottom = params.bottom[0]!;
        const h = tf.relu(tf.add(tf.matMul(x, bottom.kernel), bottom.bias!)); // [B, 5]
        const tower = params.towers[task]![0]!;
        const logit = tf.add(tf.matMul(h, tower.kernel), tower.bias!); // [B, 1]
        expect(maxDifference(output.logits[task]!, logit)).toBeLessThan(1e-5);
      });
    });
    expect(sharedBottomParameterCount(args)).toBe(4 * 5 + 5 + 2 * (5 + 1));
    expect(Object.keys(sharedBottomVariables(params).shared)).toEqual(['bottom/0/kernel', 'bottom/0/bias']);
    tf.dispose([...output.logits, ...inputs.taskInputs, inputs.sharedInput]);
    tf.dispose(Object.values(allHeadVariables(sharedBottomVariables(params))));
  });

  it('returns no gates', () => {
    expect(sharedBottomHead.describeGates(resolveSharedBottomArgs({ inputDim: 2 }))).toEqual([]);
  });
});
