import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allHeadVariables } from './define-head.js';
import {
  createMmoeParams,
  DEFAULT_MMOE_ARGS,
  mmoeForward,
  mmoeHead,
  mmoeParameterCount,
  mmoeVariables,
  resolveMmoeArgs,
} from './mmoe.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { expectMessage } from './testing/messages.js';
import { maxDifference, randomInputs } from './testing/tensors.js';

describeHeadContract(mmoeHead, {
  args: { numTasks: 3, inputDim: 6, numExperts: 3, expertUnits: [5, 4], towerUnits: [3], seed: 1 },
  readsSharedInput: false,
  gradientArgs: {
    numTasks: 2,
    inputDim: 3,
    numExperts: 2,
    expertUnits: [3],
    towerUnits: [2],
    activation: 'tanh',
  },
});

describe('mmoe', () => {
  it('resolves defaults and rejects invalid arguments with exact messages', () => {
    const args = resolveMmoeArgs({ inputDim: 368 });
    expect(args).toEqual({ ...DEFAULT_MMOE_ARGS, inputDim: 368 });
    expect(Object.isFrozen(args)).toBe(true);
    expectMessage(
      () => resolveMmoeArgs({ inputDim: 8, numExpert: 3 }),
      'MmoeArgs: unknown key "numExpert"; did you mean "numExperts"? (valid keys: numTasks, inputDim, towerUnits, activation, dropoutRate, kernelInitializer, seed, numExperts, expertUnits)',
    );
    expectMessage(
      () => resolveMmoeArgs({ inputDim: 8, numExperts: 0 }),
      'MmoeArgs.numExperts is invalid (expected an integer >= 1, found 0)',
    );
    expectMessage(
      () => resolveMmoeArgs({ numTasks: 2 }),
      'MmoeArgs.inputDim is invalid (expected an integer >= 1, found undefined)',
    );
    expectMessage(
      () => resolveMmoeArgs({ inputDim: 8, expertUnits: [] }),
      'MmoeArgs.expertUnits is invalid (expected a non-empty array of an integer >= 1, found [])',
    );
    expectMessage(
      () => resolveMmoeArgs({ inputDim: 8, activation: 'rlu' }),
      'MmoeArgs.activation is invalid; did you mean "relu"? (expected one of "linear", "relu", "sigmoid", "tanh", "gelu", "elu", found "rlu")',
    );
    expectMessage(
      () => resolveMmoeArgs({ inputDim: 8, dropoutRate: 1 }),
      'MmoeArgs.dropoutRate is invalid (expected a finite number >= 0 and < 1, found 1)',
    );
  });

  it('computes f^k = sum_i softmax(x^k W_gk)_i E_i(x^k), then tower k (equations 6-8)', () => {
    const args = resolveMmoeArgs({
      numTasks: 2,
      inputDim: 4,
      numExperts: 3,
      expertUnits: [5],
      towerUnits: [],
    });
    const params = createMmoeParams(args);
    const inputs = randomInputs(2, 6, 4, 11);
    const output = mmoeForward(params, inputs, args, { training: false, returnGates: true });
    tf.tidy(() => {
      inputs.taskInputs.forEach((x, task) => {
        const gate = tf.softmax(tf.matMul(x, params.gates[task]!)); // [B, E]
        const experts = params.experts.map((layers) =>
          tf.relu(tf.add(tf.matMul(x, layers[0]!.kernel), layers[0]!.bias!)),
        ); // E x [B, H]
        const mixed = tf.addN(experts.map((e, i) => tf.mul(e, tf.slice(gate, [0, i], [-1, 1])))); // [B, H]
        const tower = params.towers[task]![0]!;
        const logit = tf.add(tf.matMul(mixed, tower.kernel), tower.bias!); // [B, 1]
        expect(maxDifference(output.gates[task]!.weights, gate)).toBeLessThan(1e-6);
        expect(maxDifference(output.logits[task]!, logit)).toBeLessThan(1e-5);
      });
    });
    expect(mmoeParameterCount(args)).toBe(3 * (4 * 5 + 5) + 2 * 4 * 3 + 2 * (5 * 1 + 1));
    tf.dispose([
      ...output.logits,
      ...output.gates.map((g) => g.weights),
      ...inputs.taskInputs,
      inputs.sharedInput,
    ]);
    tf.dispose(Object.values(allHeadVariables(mmoeVariables(params))));
  });

  it('names its weights stably and splits them into shared experts and per-task gates and towers', () => {
    const args = resolveMmoeArgs({
      numTasks: 2,
      inputDim: 3,
      numExperts: 2,
      expertUnits: [4],
      towerUnits: [2],
    });
    const variables = mmoeVariables(createMmoeParams(args));
    expect(Object.keys(variables.shared)).toEqual([
      'expert/0/0/kernel',
      'expert/0/0/bias',
      'expert/1/0/kernel',
      'expert/1/0/bias',
    ]);
    expect(Object.keys(variables.perTask[1]!)).toEqual([
      'gate/1/kernel',
      'tower/1/0/kernel',
      'tower/1/0/bias',
      'tower/1/1/kernel',
      'tower/1/1/bias',
    ]);
    expect(variables.perTask[1]!['gate/1/kernel']!.shape).toEqual([3, 2]);
    tf.dispose(Object.values(allHeadVariables(variables)));
  });

  it('creates the same weights for the same seed and different ones for another seed', () => {
    const first = mmoeVariables(
      createMmoeParams(resolveMmoeArgs({ inputDim: 3, expertUnits: [2], seed: 4 })),
    );
    const again = mmoeVariables(
      createMmoeParams(resolveMmoeArgs({ inputDim: 3, expertUnits: [2], seed: 4 })),
    );
    const other = mmoeVariables(
      createMmoeParams(resolveMmoeArgs({ inputDim: 3, expertUnits: [2], seed: 5 })),
    );
    const kernel = (v: typeof first) => Array.from(v.shared['expert/0/0/kernel']!.dataSync());
    expect(kernel(first)).toEqual(kernel(again));
    expect(kernel(first)).not.toEqual(kernel(other));
    tf.dispose([first, again, other].flatMap((v) => Object.values(allHeadVariables(v))));
  });

  it('applies seeded dropout in training only', () => {
    const args = resolveMmoeArgs({
      inputDim: 4,
      numExperts: 2,
      expertUnits: [16, 8],
      towerUnits: [8],
      dropoutRate: 0.5,
    });
    const params = createMmoeParams(args);
    const inputs = randomInputs(2, 8, 4, 12);
    const run = (options: { training: boolean; seed?: number }) => {
      const out = mmoeForward(params, inputs, args, options);
      const values = Array.from(out.logits[0]!.dataSync());
      tf.dispose(out.logits);
      return values;
    };
    expect(run({ training: true, seed: 3 })).toEqual(run({ training: true, seed: 3 }));
    expect(run({ training: true, seed: 3 })).not.toEqual(run({ training: true, seed: 4 }));
    expect(run({ training: false, seed: 3 })).toEqual(run({ training: false }));
    expect(run({ training: true, seed: 3 })).not.toEqual(run({ training: false }));
    tf.dispose([
      ...inputs.taskInputs,
      inputs.sharedInput,
      ...Object.values(allHeadVariables(mmoeVariables(params))),
    ]);
  });

  it('rejects inputs of the wrong count or shape', () => {
    const args = resolveMmoeArgs({ inputDim: 3, numExperts: 2, expertUnits: [2] });
    const params = createMmoeParams(args);
    const inputs = randomInputs(2, 4, 3, 13);
    const wide = tf.zeros([4, 5]);
    const short = tf.zeros([2, 3]);
    expectMessage(
      () =>
        mmoeForward(params, { taskInputs: [inputs.taskInputs[0]!], sharedInput: inputs.sharedInput }, args, {
          training: false,
        }),
      'MMoE: wrong number of task inputs (expected 2 (numTasks), found 1)',
    );
    expectMessage(
      () =>
        mmoeForward(
          params,
          { taskInputs: [inputs.taskInputs[0]!, wide], sharedInput: inputs.sharedInput },
          args,
          { training: false },
        ),
      'MMoE taskInputs[1] has the wrong shape (expected [B=4, 3], found "[4, 5]")',
    );
    expectMessage(
      () =>
        mmoeForward(params, { taskInputs: inputs.taskInputs, sharedInput: short }, args, { training: false }),
      'MMoE sharedInput has the wrong shape (expected [B=4, 3], found "[2, 3]")',
    );
    tf.dispose([wide, short, ...inputs.taskInputs, inputs.sharedInput]);
    tf.dispose(Object.values(allHeadVariables(mmoeVariables(params))));
  });
});
