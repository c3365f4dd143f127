import { isConfigError, isShapeError } from '@dtrn/core';
import { checkGradients, expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveSenetRefinerArgs, type SenetRefinerArgs } from './args.js';
import { senetRefinerForward } from './forward.js';
import { createSenetRefinerParams, type SenetRefinerParams, senetRefinerVariables } from './params.js';
import {
  maxDifference,
  maxDifferenceFromArray,
  seededTensor,
  values2d,
  values3d,
} from './testing/tensors.js';

const B = 3;
const K = 2;
const N = 4;
const d = 2;

function makeParams(extra: Partial<SenetRefinerArgs> = {}) {
  return createSenetRefinerParams(
    resolveSenetRefinerArgs({ numTasks: K, numFields: N, embeddingDim: d, startUniform: false, ...extra }),
  );
}

function disposeParams(params: SenetRefinerParams<tf.Variable>): void {
  tf.dispose(Object.values(senetRefinerVariables(params)));
}

/** The TRM of one task computed with plain numbers (the equations of the README). */
function referenceTask(
  fields: number[][][],
  layers: { kernel: number[][]; bias: number[] }[],
  squeeze: 'mean' | 'flatten',
  hidden: (x: number) => number,
  gate: (x: number) => number,
) {
  const bottoms: number[][] = [];
  const weights: number[][] = [];
  for (const example of fields) {
    const z =
      squeeze === 'mean' ? example.map((f) => f.reduce((s, v) => s + v, 0) / f.length) : example.flat();
    const dense = (x: number[], { kernel, bias }: { kernel: number[][]; bias: number[] }) =>
      bias.map((b, j) => x.reduce((s, v, i) => s + v * kernel[i]![j]!, b));
    const a = dense(dense(z, layers[0]!).map(hidden), layers[1]!).map(gate);
    weights.push(a);
    bottoms.push(example.flatMap((f, i) => f.map((v) => v * a[i]!)));
  }
  return { bottoms, weights };
}

function layerValues(params: SenetRefinerParams, task: number) {
  return params.tasks[task]!.excitation.map((l) => ({
    kernel: values2d(l.kernel),
    bias: Array.from(l.bias.dataSync()),
  }));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('senetRefinerForward', () => {
  it('computes squeeze, excitation and re-weighting as the equations say (both squeezes)', () => {
    for (const squeeze of ['mean', 'flatten'] as const) {
      const params = makeParams({ squeeze, hiddenActivation: 'tanh' });
      const fields = [seededTensor([B, N, d], 1), seededTensor([B, N, d], 2)];
      const { bottoms, fieldWeights } = senetRefinerForward(params, { fields }, { training: false });
      expect(bottoms.map((t) => t.shape)).toEqual([
        [B, N * d],
        [B, N * d],
      ]);
      expect(fieldWeights.map((t) => t.shape)).toEqual([
        [B, N],
        [B, N],
      ]);
      for (let task = 0; task < K; task++) {
        const expected = referenceTask(
          values3d(fields[task]!),
          layerValues(params, task),
          squeeze,
          Math.tanh,
          (x) => 2 * sigmoid(x),
        );
        expect(maxDifferenceFromArray(bottoms[task]!, expected.bottoms)).toBeLessThan(1e-5);
        expect(maxDifferenceFromArray(fieldWeights[task]!, expected.weights)).toBeLessThan(1e-5);
      }
      tf.dispose([...fields, ...bottoms, ...fieldWeights]);
      disposeParams(params);
    }
  });

  it('applies the sigmoid and relu gates', () => {
    for (const [name, gate] of [
      ['sigmoid', sigmoid],
      ['relu', (x: number) => Math.max(0, x)],
    ] as const) {
      const params = makeParams({ excitationActivation: name });
      const fields = [seededTensor([B, N, d], 3), seededTensor([B, N, d], 4)];
      const out = senetRefinerForward(params, { fields }, { training: true });
      const expected = referenceTask(
        values3d(fields[1]!),
        layerValues(params, 1),
        'mean',
        (x) => Math.max(0, x),
        gate,
      );
      expect(maxDifferenceFromArray(out.fieldWeights[1]!, expected.weights)).toBeLessThan(1e-5);
      tf.dispose([...fields, ...out.bottoms, ...out.fieldWeights]);
      disposeParams(params);
    }
  });

  it('starts as the identity with startUniform (weights 1; sigmoid: 0.5)', () => {
    for (const [excitationActivation, weight] of [
      ['scaledSigmoid', 1],
      ['relu', 1],
      ['sigmoid', 0.5],
    ] as const) {
      const params = makeParams({ startUniform: true, excitationActivation });
      const fields = [seededTensor([B, N, d], 5), seededTensor([B, N, d], 6)];
      const out = senetRefinerForward(params, { fields }, { training: false });
      for (let task = 0; task < K; task++) {
        expect(maxDifferenceFromArray(out.fieldWeights[task]!, new Array(B * N).fill(weight))).toBe(0);
        const scaled = tf.mul(tf.reshape(fields[task]!, [B, N * d]), weight);
        expect(maxDifference(out.bottoms[task]!, scaled)).toBeLessThan(1e-7);
        scaled.dispose();
      }
      tf.dispose([...fields, ...out.bottoms, ...out.fieldWeights]);
      disposeParams(params);
    }
  });

  it('builds E^k = concat(shared, stack(interests[k])) in the shared form', () => {
    const params = makeParams();
    const shared = seededTensor([B, 2, d], 7); // F = 2, M = 2
    const interests = [0, 1].map((task) => [
      seededTensor([B, d], 10 + task),
      seededTensor([B, d], 20 + task),
    ]);
    const fields = interests.map((row) => tf.concat([shared, tf.stack(row, 1)], 1));
    const viaShared = senetRefinerForward(params, { shared, interests }, { training: false });
    const viaFields = senetRefinerForward(params, { fields }, { training: false });
    for (let task = 0; task < K; task++) {
      expect(maxDifference(viaShared.bottoms[task]!, viaFields.bottoms[task]!)).toBe(0);
      expect(maxDifference(viaShared.fieldWeights[task]!, viaFields.fieldWeights[task]!)).toBe(0);
    }
    // Task-specific interests give task-specific bottoms.
    expect(maxDifference(viaShared.bottoms[0]!, viaShared.bottoms[1]!)).toBeGreaterThan(1e-3);
    tf.dispose([shared, ...interests.flat(), ...fields, ...Object.values(viaShared).flat()]);
    tf.dispose(Object.values(viaFields).flat());
    disposeParams(params);
  });

  it('gives the same outputs and gradients with the batched strategy', () => {
    const params = makeParams();
    const fields = [seededTensor([B, N, d], 8), seededTensor([B, N, d], 9)];
    const variables = Object.values(senetRefinerVariables(params));
    const run = (strategy: 'perTask' | 'batched') =>
      tf.variableGrads(() => {
        const out = senetRefinerForward(params, { fields }, { training: true, strategy });
        return tf.add(tf.sum(tf.square(out.bottoms[0]!)), tf.sum(out.fieldWeights[1]!)) as tf.Scalar;
      }, variables);
    const perTask = run('perTask');
    const batched = run('batched');
    expect(Math.abs(perTask.value.dataSync()[0]! - batched.value.dataSync()[0]!)).toBeLessThan(1e-5);
    for (const name of Object.keys(perTask.grads)) {
      expect(maxDifference(perTask.grads[name]!, batched.grads[name]!)).toBeLessThan(1e-5);
    }
    tf.dispose([
      perTask.value,
      batched.value,
      ...Object.values(perTask.grads),
      ...Object.values(batched.grads),
    ]);
    tf.dispose(fields);
    disposeParams(params);
  });

  it('passes a finite-difference gradient check (inputs and weights, both squeezes)', () => {
    for (const squeeze of ['mean', 'flatten'] as const) {
      // Tiny: F = 2 shared fields + M = 1 interest, so N = 3; tanh hidden layer (smooth for differences).
      const params = makeParams({ squeeze, hiddenActivation: 'tanh', numFields: 3 });
      const shared = seededTensor([2, 2, d], 30);
      const interests = [seededTensor([2, d], 31), seededTensor([2, d], 32)];
      const weights = Object.values(senetRefinerVariables(params)).map((v) => tf.clone(v));
      const upstream = seededTensor([2, 3 * d], 33);
      const f = (...xs: tf.Tensor[]) => {
        const [s, u0, u1, ...w] = xs as [tf.Tensor, tf.Tensor, tf.Tensor, ...tf.Tensor[]];
        const p: SenetRefinerParams = {
          args: params.args,
          tasks: [0, 1].map((t) => ({
            excitation: [
              { kernel: w[4 * t]!, bias: w[4 * t + 1]! },
              { kernel: w[4 * t + 2]!, bias: w[4 * t + 3]! },
            ] as const,
          })),
        };
        const out = senetRefinerForward(p, { shared: s, interests: [[u0], [u1]] }, { training: true });
        return tf.addN([
          tf.sum(tf.mul(out.bottoms[0]!, upstream)),
          tf.sum(tf.mul(out.bottoms[1]!, tf.reverse(upstream, 1))),
          tf.sum(tf.square(out.fieldWeights[1]!)),
        ]) as tf.Scalar;
      };
      const inputs = [shared, ...interests, ...weights];
      const report = checkGradients(f, inputs, { elementsPerInput: 6 });
      expect(report.checked).toBeGreaterThan(30);
      tf.dispose([...inputs, upstream]);
      disposeParams(params);
    }
  });

  it('rejects inputs of the wrong form or shape with exact messages', () => {
    const params = makeParams();
    const good = seededTensor([B, N, d], 40);
    const expectError = (fn: () => unknown, message: string, kind: 'shape' | 'config' = 'shape') => {
      let caught: unknown;
      try {
        fn();
      } catch (error) {
        caught = error;
      }
      expect(kind === 'shape' ? isShapeError(caught) : isConfigError(caught)).toBe(true);
      expect((caught as Error).message).toBe(message);
    };
    const run = (inputs: unknown) =>
      senetRefinerForward(params, inputs as { fields: tf.Tensor[] }, { training: false });
    expectError(
      () => run({ fields: [good] }),
      'SenetRefiner inputs.fields (one field matrix per task) has the wrong length (expected length 2, found "length 1")',
    );
    const wrongDim = seededTensor([B, N, d + 1], 41);
    expectError(
      () => run({ fields: [good, wrongDim] }),
      'SenetRefiner inputs.fields[1] has the wrong shape (expected [B=3, 4, 2], found "[3, 4, 3]")',
    );
    const otherBatch = seededTensor([B + 1, N, d], 42);
    expectError(
      () => run({ fields: [good, otherBatch] }),
      'SenetRefiner inputs.fields[1] has the wrong shape (expected [B=3, 4, 2], found "[4, 4, 2]")',
    );
    const shared = seededTensor([B, 3, d], 43);
    const interest = seededTensor([B, d], 44);
    expectError(
      () => run({ shared, interests: [[interest], [interest, interest]] }),
      'SenetRefiner inputs.interests[1] (same M for every task) has the wrong length (expected length 1, found "length 2")',
    );
    expectError(
      () =>
        run({
          shared,
          interests: [
            [interest, interest],
            [interest, interest],
          ],
        }),
      'SenetRefiner inputs.shared has the wrong shape (expected [B, 2, 2], found "[3, 3, 2]")',
    );
    expectError(
      () => run({ fields: [good, good], shared }),
      'SenetRefiner inputs must be { fields } or { shared, interests } (expected keys "fields", or "shared" and "interests", found "keys [fields,shared]")',
      'config',
    );
    expectError(
      () =>
        senetRefinerForward(
          params,
          { fields: [good, good] },
          { training: false, strategy: 'loop' as 'perTask' },
        ),
      'SenetRefinerForwardOptions.strategy is invalid (expected one of "perTask", "batched", found "loop")',
      'config',
    );
    tf.dispose([good, wrongDim, otherBatch, shared, interest]);
    disposeParams(params);
  });

  it('does not leak tensors in forward or backward', async () => {
    const params = makeParams();
    const shared = seededTensor([B, 2, d], 50);
    const interests = [0, 1].map((t) => [seededTensor([B, d], 51 + t), seededTensor([B, d], 53 + t)]);
    await expectNoLeakedTensors(() => {
      for (const strategy of ['perTask', 'batched'] as const) {
        const out = senetRefinerForward(params, { shared, interests }, { training: false, strategy });
        tf.dispose([...out.bottoms, ...out.fieldWeights]);
        const { value, grads } = tf.variableGrads(() => {
          const o = senetRefinerForward(params, { shared, interests }, { training: true, strategy });
          return tf.addN(o.bottoms.map((x) => tf.sum(x))) as tf.Scalar;
        });
        tf.dispose([value, ...Object.values(grads)]);
      }
    });
    tf.dispose([shared, ...interests.flat()]);
    disposeParams(params);
  });
});
