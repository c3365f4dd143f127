import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { aitmForward, aitmHead, aitmParameterCount, resolveAitmArgs } from './aitm.js';
import { allHeadVariables } from './define-head.js';
import { getHead } from './registry.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { expectMessage } from './testing/messages.js';
import { randomInputs } from './testing/tensors.js';

describeHeadContract(aitmHead, {
  args: { numTasks: 3, inputDim: 6, towerUnits: [5, 4], cascade: [2, 0, 1], seed: 2 },
  gradientArgs: { numTasks: 2, inputDim: 3, towerUnits: [2], cascade: [0, 1], activation: 'tanh' },
  readsSharedInput: false,
  requiredArgs: { cascade: [2, 0, 1] },
});

describeHeadContract(aitmHead, {
  args: { numTasks: 3, inputDim: 5, towerUnits: [4], cascade: [0, 1], seed: 1 },
  readsSharedInput: false,
  requiredArgs: { cascade: [0, 1] },
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A click -> conversion AITM with towers [2], its parameters and `rows` random inputs. */
function twoTaskAitm(options: { inputDim: number; calibratorWeight: number; seed: number; rows: number }) {
  const args = resolveAitmArgs({
    inputDim: options.inputDim,
    towerUnits: [2],
    cascade: [0, 1],
    calibratorWeight: options.calibratorWeight,
    seed: options.seed,
  });
  const params = aitmHead.createParams(args);
  const inputs = randomInputs(2, options.rows, options.inputDim, options.seed + 1);
  return { args, params, inputs };
}

describe('aitm', () => {
  it('is registered, resolves its args and rejects bad ones with exact messages', () => {
    expect(getHead('aitm')).toBe(aitmHead);
    expect(resolveAitmArgs({ inputDim: 4, cascade: [1, 0] })).toMatchObject({
      cascade: [1, 0],
      calibratorWeight: 0.6,
    });
    expectMessage(
      () => resolveAitmArgs({ inputDim: 4, cascade: [0, 1], calibratorWeight: -1 }),
      'AitmArgs.calibratorWeight is invalid (expected a finite number >= 0, found -1)',
    );
    expectMessage(
      () => resolveAitmArgs({ inputDim: 4, cascade: [0, 1], towerUnits: [] }),
      'AitmArgs.towerUnits is invalid (expected a non-empty array of an integer >= 1, found [])',
    );
    expectMessage(
      () => resolveAitmArgs({ inputDim: 4, cascade: [0] }),
      "AitmArgs.cascade is invalid (expected task indices in funnel order, at least 2, distinct, each an integer in [0, 1] (e.g. [0, 1] for click then conversion; @dtrn/model fills it from the dataset's sample spaces), found [0])",
    );
    // Towers 4 -> 3 (15 each, x2), logits 3 -> 1 (4 each, x2), transfer + 3 attention maps (12 each).
    expect(aitmParameterCount(resolveAitmArgs({ inputDim: 4, towerUnits: [3], cascade: [0, 1] }))).toBe(
      2 * 15 + 2 * 4 + 4 * 12,
    );
  });

  it('computes the transfer, the attention over {p, q} and the calibrator as written', () => {
    const { args, params, inputs } = twoTaskAitm({ inputDim: 3, calibratorWeight: 0.5, seed: 4, rows: 4 });
    const out = aitmForward(params, inputs, args, { training: false, returnGates: true, withLoss: true });
    const expected = tf.tidy(() => {
      const lin = (x: tf.Tensor, p: { kernel: tf.Tensor; bias?: tf.Tensor | undefined }) =>
        tf.add(tf.matMul(x, p.kernel), p.bias!);
      const q = [0, 1].map((t) => tf.relu(lin(inputs.taskInputs[t]!, params.towers[t]![0]!)));
      const p = tf.relu(lin(q[0]!, params.transfers[0]!));
      const att = params.attentions[0]!;
      const score = (u: tf.Tensor) =>
        tf.div(tf.sum(tf.mul(lin(u, att.query), lin(u, att.key)), 1, true), Math.SQRT2);
      const w = tf.softmax(tf.concat([score(p), score(q[1]!)], 1));
      const z1 = tf.add(
        tf.mul(tf.slice(w, [0, 0], [-1, 1]), lin(p, att.value)),
        tf.mul(tf.slice(w, [0, 1], [-1, 1]), lin(q[1]!, att.value)),
      );
      return { y0: lin(q[0]!, params.outputs[0]!), y1: lin(z1, params.outputs[1]!), w };
    });
    const close = (a: tf.Tensor, b: tf.Tensor) =>
      Array.from(a.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(b.dataSync()[i]!, 5);
      });
    close(out.logits[0]!, expected.y0);
    close(out.logits[1]!, expected.y1);
    close(out.gates[0]!.weights, expected.w);
    expect(out.gates[0]!.task).toBe(1);
    const y0 = Array.from(expected.y0.dataSync()).map(sigmoid);
    const y1 = Array.from(expected.y1.dataSync()).map(sigmoid);
    const calibrator = (0.5 * y1.reduce((sum, v, i) => sum + Math.max(v - y0[i]!, 0), 0)) / y1.length;
    expect(out.auxiliaryLosses![0]).toBeNull();
    expect(out.auxiliaryLosses![1]!.dataSync()[0]).toBeCloseTo(calibrator, 6);
    expect(out.lossLogits).toBeUndefined();
    expect(aitmHead.entireSpaceTasks!(args)).toEqual([false, true]);
    tf.dispose([...out.logits, out.gates[0]!.weights, out.auxiliaryLosses![1]!, ...Object.values(expected)]);
    tf.dispose([
      ...inputs.taskInputs,
      inputs.sharedInput,
      ...Object.values(allHeadVariables(aitmHead.variables(params))),
    ]);
  });

  it('lets the calibrator pull a conversion predicted above its click below it', () => {
    const { args, params, inputs } = twoTaskAitm({ inputDim: 2, calibratorWeight: 1, seed: 3, rows: 16 });
    const variables = Object.values(allHeadVariables(aitmHead.variables(params)));
    const optimizer = tf.train.sgd(0.5);
    (params.outputs[1]!.bias as tf.Variable).assign(tf.tensor1d([4])); // conversion far above click
    const gap = () =>
      tf.tidy(() => {
        const out = aitmForward(params, inputs, args, { training: false });
        return tf.mean(tf.sub(tf.sigmoid(out.logits[1]!), tf.sigmoid(out.logits[0]!))).dataSync()[0]!;
      });
    const before = gap();
    for (let step = 0; step < 20; step++) {
      optimizer.minimize(
        () => aitmForward(params, inputs, args, { training: true, withLoss: true }).auxiliaryLosses![1]!,
      );
    }
    expect(before).toBeGreaterThan(0.2);
    expect(gap()).toBeLessThan(before / 2);
    optimizer.dispose();
    tf.dispose([...inputs.taskInputs, inputs.sharedInput, ...variables]);
  });
});
