import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allHeadVariables } from './define-head.js';
import {
  createPleParams,
  DEFAULT_PLE_ARGS,
  pleForward,
  pleHead,
  pleParameterCount,
  pleVariables,
  resolvePleArgs,
} from './ple.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { expectMessage } from './testing/messages.js';
import { maxDifference, randomInputs } from './testing/tensors.js';

describeHeadContract(pleHead, {
  args: {
    numTasks: 3,
    inputDim: 6,
    numLevels: 3,
    numTaskExperts: 1,
    numSharedExperts: 2,
    expertUnits: [5, 4],
    towerUnits: [3],
    seed: 3,
  },
  gradientArgs: {
    numTasks: 2,
    inputDim: 3,
    numLevels: 2,
    numTaskExperts: 1,
    numSharedExperts: 1,
    expertUnits: [3],
    towerUnits: [2],
    activation: 'tanh',
  },
  readsSharedInput: true,
});

describe('ple', () => {
  it('resolves defaults and rejects invalid arguments with exact messages', () => {
    expect(resolvePleArgs({ inputDim: 368 })).toEqual({ ...DEFAULT_PLE_ARGS, inputDim: 368 });
    expectMessage(
      () => resolvePleArgs({ inputDim: 8, numLevel: 2 }),
      'PleArgs: unknown key "numLevel"; did you mean "numLevels"? (valid keys: numTasks, inputDim, towerUnits, activation, dropoutRate, kernelInitializer, seed, numLevels, numTaskExperts, numSharedExperts, expertUnits)',
    );
    expectMessage(
      () => resolvePleArgs({ inputDim: 8, numLevels: 0 }),
      'PleArgs.numLevels is invalid (expected an integer >= 1 and <= 8, found 0)',
    );
    expectMessage(
      () => resolvePleArgs({ inputDim: 8, numTaskExperts: 0, numSharedExperts: 0 }),
      'PleArgs: every gate needs at least one expert (expected numTaskExperts + numSharedExperts >= 1, found "numTaskExperts 0, numSharedExperts 0")',
    );
  });

  it('with one level (CGC) mixes task k experts and shared experts with gate k reading x^k', () => {
    const args = resolvePleArgs({
      numTasks: 2,
      inputDim: 4,
      numLevels: 1,
      numTaskExperts: 1,
      numSharedExperts: 2,
      expertUnits: [5],
      towerUnits: [],
    });
    const params = createPleParams(args);
    const inputs = randomInputs(2, 6, 4, 31);
    const output = pleForward(params, inputs, args, { training: false, returnGates: true });
    expect(output.gates.map((g) => g.name)).toEqual(['level/0/task/0', 'level/0/task/1']);
    const level = params.levels[0]!;
    expect(level.sharedGate).toBeNull();
    tf.tidy(() => {
      const expert = (x: tf.Tensor, layers: (typeof level.sharedExperts)[number]) =>
        tf.relu(tf.add(tf.matMul(x, layers[0]!.kernel), layers[0]!.bias!)); // [B, 5]
      const shared = level.sharedExperts.map((layers) => expert(inputs.sharedInput, layers));
      inputs.taskInputs.forEach((x, task) => {
        const pool = [expert(x, level.taskExperts[task]![0]!), ...shared]; // 3 x [B, 5]
        const gate = tf.softmax(tf.matMul(x, level.taskGates[task]!)); // [B, 3]
        const mixed = tf.addN(pool.map((e, i) => tf.mul(e, tf.slice(gate, [0, i], [-1, 1])))); // [B, 5]
        const tower = params.towers[task]![0]!;
        const logit = tf.add(tf.matMul(mixed, tower.kernel), tower.bias!); // [B, 1]
        expect(maxDifference(output.gates[task]!.weights, gate)).toBeLessThan(1e-6);
        expect(maxDifference(output.logits[task]!, logit)).toBeLessThan(1e-5);
      });
    });
    expect(pleParameterCount(args)).toBe(4 * (4 * 5 + 5) + 2 * 4 * 3 + 2 * (5 + 1));
    tf.dispose([
      ...output.logits,
      ...output.gates.map((g) => g.weights),
      ...inputs.taskInputs,
      inputs.sharedInput,
    ]);
    tf.dispose(Object.values(allHeadVariables(pleVariables(params))));
  });

  it('feeds the next level through a shared gate over all experts, and names weights by level', () => {
    const args = resolvePleArgs({
      numTasks: 2,
      inputDim: 3,
      numLevels: 2,
      numTaskExperts: 2,
      numSharedExperts: 1,
      expertUnits: [4],
      towerUnits: [],
    });
    const params = createPleParams(args);
    const variables = pleVariables(params);
    expect(params.levels[0]!.sharedGate!.shape).toEqual([3, 2 * 2 + 1]);
    expect(params.levels[1]!.taskGates[0]!.shape).toEqual([4, 3]);
    expect(Object.keys(variables.shared)).toContain('level/0/shared/gate/kernel');
    expect(Object.keys(variables.shared)).toContain('level/0/task/1/expert/1/0/kernel');
    expect(Object.keys(variables.perTask[1]!)).toEqual([
      'level/0/task/1/gate/kernel',
      'level/1/task/1/expert/0/0/kernel',
      'level/1/task/1/expert/0/0/bias',
      'level/1/task/1/expert/1/0/kernel',
      'level/1/task/1/expert/1/0/bias',
      'level/1/task/1/gate/kernel',
      'tower/1/0/kernel',
      'tower/1/0/bias',
    ]);
    const shape = (name: string) => pleHead.describeGates(args).find((g) => g.name === name)?.numExperts;
    expect([shape('level/0/shared'), shape('level/1/task/0'), shape('level/1/shared')]).toEqual([
      5,
      3,
      undefined,
    ]);
    tf.dispose(Object.values(allHeadVariables(variables)));
  });
});
