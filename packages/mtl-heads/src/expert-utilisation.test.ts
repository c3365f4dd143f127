import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allHeadVariables } from './define-head.js';
import { expertUtilisation } from './expert-utilisation.js';
import { createMmoeParams, mmoeForward, mmoeVariables, resolveMmoeArgs } from './mmoe.js';
import { expectMessage } from './testing/messages.js';
import { randomInputs } from './testing/tensors.js';

describe('expertUtilisation', () => {
  it('averages each gate over the batch', () => {
    const weights = tf.tensor2d([
      [0.5, 0.5, 0],
      [0.1, 0.3, 0.6],
    ]);
    const [report] = expertUtilisation([{ name: 'gate/0', task: 0, weights }]);
    expect(report!.name).toBe('gate/0');
    expect(report!.task).toBe(0);
    expect(report!.meanWeights.map((v) => Number(v.toFixed(6)))).toEqual([0.3, 0.4, 0.3]);
    weights.dispose();
  });

  it('reports every gate of a head, each summing to 1, without leaking', async () => {
    const args = resolveMmoeArgs({ numTasks: 2, inputDim: 4, numExperts: 3, expertUnits: [4] });
    const params = createMmoeParams(args);
    const inputs = randomInputs(2, 6, 4, 41);
    const output = mmoeForward(params, inputs, args, { training: false, returnGates: true });
    const reports = await expectNoLeakedTensors(() => expertUtilisation(output.gates));
    expect(reports.map((r) => [r.name, r.task, r.meanWeights.length])).toEqual([
      ['gate/0', 0, 3],
      ['gate/1', 1, 3],
    ]);
    for (const r of reports) expect(r.meanWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose([
      ...output.logits,
      ...output.gates.map((g) => g.weights),
      ...inputs.taskInputs,
      inputs.sharedInput,
    ]);
    tf.dispose(Object.values(allHeadVariables(mmoeVariables(params))));
  });

  it('rejects gates that are not [B, E] with B >= 1', () => {
    const flat = tf.ones([3]);
    const empty = tf.zeros([0, 2]);
    expectMessage(
      () => expertUtilisation([{ name: 'g', task: null, weights: flat }]),
      'expertUtilisation: gate "g" has the wrong rank (expected rank 2, found "rank 1 ([3])")',
    );
    expectMessage(
      () => expertUtilisation([{ name: 'g', task: null, weights: empty }]),
      'expertUtilisation: gate "g" has an empty batch (expected at least one row, found "[0, 2]")',
    );
    tf.dispose([flat, empty]);
  });
});
