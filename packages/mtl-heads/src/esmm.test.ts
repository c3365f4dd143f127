import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { productLogit } from './cascade.js';
import { allHeadVariables } from './define-head.js';
import { esmmForward, esmmHead, esmmParameterCount, resolveEsmmArgs } from './esmm.js';
import { getHead } from './registry.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { expectMessage } from './testing/messages.js';
import { randomInputs } from './testing/tensors.js';

describeHeadContract(esmmHead, {
  args: { numTasks: 3, inputDim: 6, towerUnits: [5, 3], cascade: [1, 2], seed: 2 },
  gradientArgs: { numTasks: 2, inputDim: 3, towerUnits: [2], cascade: [0, 1], activation: 'tanh' },
  readsSharedInput: false,
  requiredArgs: { cascade: [1, 2] },
});

describe('esmm', () => {
  it('is registered, resolves its args and rejects a missing or bad cascade with exact messages', () => {
    expect(getHead('esmm')).toBe(esmmHead);
    expect(resolveEsmmArgs({ inputDim: 4, cascade: [0, 1] })).toMatchObject({
      cascade: [0, 1],
      towerUnits: [64],
    });
    const expected =
      "expected task indices in funnel order, at least 2, distinct, each an integer in [0, 1] (e.g. [0, 1] for click then conversion; @dtrn/model fills it from the dataset's sample spaces)";
    expectMessage(
      () => resolveEsmmArgs({ inputDim: 4 }),
      `EsmmArgs.cascade is required (${expected}, found undefined)`,
    );
    expectMessage(
      () => resolveEsmmArgs({ inputDim: 4, cascade: [0, 2] }),
      `EsmmArgs.cascade is invalid (${expected}, found [0, 2])`,
    );
    expectMessage(
      () => resolveEsmmArgs({ inputDim: 4, cascade: [1, 1] }),
      `EsmmArgs.cascade is invalid (${expected}, found [1, 1])`,
    );
    expect(esmmParameterCount(resolveEsmmArgs({ inputDim: 10, towerUnits: [4], cascade: [0, 1] }))).toBe(
      2 * (10 * 4 + 4 + 4 + 1),
    );
  });

  it('predicts each tower alone and trains the conversion on the logit of pCTR x pCVR', () => {
    const args = resolveEsmmArgs({ inputDim: 4, towerUnits: [3], cascade: [0, 1], seed: 1 });
    const params = esmmHead.createParams(args);
    const inputs = randomInputs(2, 6, 4, 11);
    const out = esmmForward(params, inputs, args, { training: false, withLoss: true });
    const [ctr, cvr] = out.logits.map((t) => Array.from(t.dataSync()));
    const [clickLoss, ctcvr] = out.lossLogits!.map((t) => Array.from(t.dataSync()));
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    expect(clickLoss).toEqual(ctr);
    ctcvr!.forEach((z, row) => {
      expect(sigmoid(z)).toBeCloseTo(sigmoid(ctr![row]!) * sigmoid(cvr![row]!), 6);
    });
    // Ownership: the click tower is reached by both losses, the conversion tower by its own.
    const variables = esmmHead.variables(params);
    expect(Object.keys(variables.shared).every((name) => name.startsWith('tower/0/'))).toBe(true);
    expect(Object.keys(variables.perTask[0]!)).toEqual([]);
    expect(Object.keys(variables.perTask[1]!).every((name) => name.startsWith('tower/1/'))).toBe(true);
    expect(esmmHead.entireSpaceTasks!(args)).toEqual([false, true]);
    tf.dispose([...out.logits, ...out.lossLogits!, ...inputs.taskInputs, inputs.sharedInput]);
    tf.dispose(Object.values(allHeadVariables(variables)));
  });

  it('computes the product logit exactly and finitely where a product of probabilities underflows', () => {
    const a = tf.tensor2d([[0], [3], [-60], [60], [-100]]);
    const b = tf.tensor2d([[0], [-2], [-60], [60], [50]]);
    const z = Array.from(productLogit(a, b).dataSync());
    expect(z[0]).toBeCloseTo(Math.log(0.25 / 0.75), 5);
    const p = (1 / (1 + Math.exp(-3))) * (1 / (1 + Math.exp(2)));
    expect(z[1]).toBeCloseTo(Math.log(p / (1 - p)), 5);
    expect(z[2]).toBeCloseTo(-120, 3); // p = e^-120: log p is fine, the product itself underflows float32
    expect(z[3]).toBeCloseTo(60 - Math.log(2), 3); // 1 - p = 2 e^-60
    expect(z[4]).toBeCloseTo(-100, 3);
    tf.dispose([a, b]);
  });
});
