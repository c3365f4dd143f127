/**
 * forwardFactored: every built-in head gives the same logits and gates on FactoredRows as
 * `forward` on the rows written out, with shared and with distinct task inputs.
 */
import { factoredRows, materializeRows } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { AnyMtlHeadDefinition } from './registry.js';
import { getHead } from './registry.js';

const D = 14;
const C = 9;
const K = 2;

const HEAD_ARGS: Record<string, Record<string, unknown>> = {
  'shared-bottom': { bottomUnits: [8, 6], towerUnits: [4] },
  mmoe: { numExperts: 3, expertUnits: [8, 6], towerUnits: [4] },
  ple: { numLevels: 2, numTaskExperts: 1, numSharedExperts: 2, expertUnits: [8], towerUnits: [4] },
  esmm: { towerUnits: [8, 4], cascade: [0, 1] },
  aitm: { towerUnits: [8, 4], cascade: [0, 1] },
};

function expectClose(actual: readonly tf.Tensor[], expected: readonly tf.Tensor[]): void {
  expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  actual.forEach((tensor, i) => {
    const a = tensor.dataSync();
    const e = expected[i]!.dataSync();
    for (let j = 0; j < e.length; j++) expect(a[j]).toBeCloseTo(e[j]!, 5);
  });
}

function run(head: AnyMtlHeadDefinition, distinctTaskInputs: boolean) {
  const args = head.resolveArgs({ numTasks: K, inputDim: D, seed: 5, ...HEAD_ARGS[head.name] });
  const params = head.createParams(args);
  const base = tf.randomUniform([1, D], -1, 1, 'float32', 1); // [1, D]
  const varying = [0, 1, 2].map((s) => tf.randomUniform([C, 3], -1, 1, 'float32', 10 + s)); // [C, 3]
  const shared = factoredRows(base, varying[0]!, 4);
  const taskInputs = distinctTaskInputs
    ? [factoredRows(base, varying[1]!, 0), factoredRows(base, varying[2]!, D - 3)]
    : [shared, shared];
  const options = { training: false, returnGates: true };
  const factored = head.forwardFactored!(params, { taskInputs, sharedInput: shared }, args, options);
  const fullShared = materializeRows(shared);
  const fullTasks = distinctTaskInputs ? taskInputs.map((x) => materializeRows(x)) : [fullShared, fullShared];
  const full = head.forward(params, { taskInputs: fullTasks, sharedInput: fullShared }, args, options);
  return {
    factored,
    full,
    dispose() {
      tf.dispose([
        ...factored.logits,
        ...factored.gates.map((g) => g.weights),
        ...full.logits,
        ...full.gates.map((g) => g.weights),
        base,
        ...varying,
        fullShared,
        ...(distinctTaskInputs ? fullTasks : []),
      ]);
      tf.dispose(Object.values(head.variables(params).shared));
      tf.dispose(head.variables(params).perTask.flatMap((v) => Object.values(v)));
    },
  };
}

describe('forwardFactored', () => {
  for (const name of ['shared-bottom', 'mmoe', 'ple', 'esmm', 'aitm']) {
    for (const distinct of [false, true]) {
      it(`${name}: equals forward on the materialised rows (${distinct ? 'distinct' : 'shared'} task inputs)`, () => {
        const { factored, full, dispose } = run(getHead(name), distinct);
        expect(factored.logits.map((t) => t.shape)).toEqual([
          [C, 1],
          [C, 1],
        ]);
        expectClose(factored.logits, full.logits);
        expectClose(
          factored.gates.map((g) => g.weights),
          full.gates.map((g) => g.weights),
        );
        expect(factored.gates.map((g) => g.name)).toEqual(full.gates.map((g) => g.name));
        dispose();
      });
    }
  }

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(() => run(getHead('ple'), true).dispose());
  });
});
