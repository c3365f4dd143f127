import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { POOLING_KINDS } from './args.js';
import { hypernetEncoderForward } from './forward.js';
import {
  hypernetEncoderLayerNorms,
  hypernetEncoderLayerNormsFor,
  hypernetworkHidden,
} from './hypernetwork.js';
import { createHypernetEncoderParams } from './params.js';
import { hypernetEncoderReferenceForward } from './reference-forward.js';
import {
  disposeInputs,
  disposeParams,
  makeInputs,
  maxDifference,
  randomizeHypernetworkOutput,
  tinyArgs,
} from './testing/tiny.js';

/** The fast forward and its plain reference: the tests below hold for both. */
const FORWARDS = [
  ['fast', hypernetEncoderForward],
  ['reference', hypernetEncoderReferenceForward],
] as const;

describe('hypernetEncoderForward', () => {
  it('returns K x M interests [B, d] for behaviors of mixed lengths', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    const inputs = makeInputs(3, [4, 2, 4], 4);
    const out = hypernetEncoderForward(params, inputs, { training: false });
    expect(out.length).toBe(2);
    for (const row of out) {
      expect(row.length).toBe(3);
      for (const u of row) expect(u.shape).toEqual([3, 4]);
    }
    tf.dispose(out);
    disposeInputs(inputs);
    disposeParams(params);
  });

  // Agreement with the plain reference on every configuration: reference-forward.test.ts.

  it('returns zeros when no sequence has a valid element, with the weights still connected (zero gradients)', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    randomizeHypernetworkOutput(params);
    const inputs = makeInputs(2, [4, 3, 4], 4, 3, [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const out = hypernetEncoderForward(params, inputs, { training: false });
    for (const row of out)
      for (const u of row) expect(Array.from(u.dataSync()).every((v) => v === 0)).toBe(true);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.stack(hypernetEncoderForward(params, inputs, { training: true }).flat())) as tf.Scalar,
    );
    expect(Object.keys(grads).length).toBeGreaterThan(10);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([out, value, Object.values(grads)]);
    disposeInputs(inputs);
    disposeParams(params);
  });

  it('gives identical interests to every task at initialisation, different ones once the hypernetwork is non-zero', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    const inputs = makeInputs(3, [4, 4, 3], 4, 3);
    const atInit = hypernetEncoderForward(params, inputs, { training: false });
    for (let m = 0; m < 3; m++) {
      expect(maxDifference([[atInit[0]![m]!]], [[atInit[1]![m]!]])).toBe(0);
    }
    const norms = hypernetEncoderLayerNorms(params);
    expect(tf.max(tf.abs(tf.sub(norms.gamma, 1))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(norms.beta)).dataSync()[0]).toBe(0);
    randomizeHypernetworkOutput(params);
    const trained = hypernetEncoderForward(params, inputs, { training: false });
    for (let m = 0; m < 3; m++) {
      // Row 0 of behavior 0 is all padding: skip it by comparing the other samples.
      const a = tf.slice(trained[0]![m]!, [1, 0], [-1, -1]);
      const b = tf.slice(trained[1]![m]!, [1, 0], [-1, -1]);
      expect(tf.min(tf.max(tf.abs(tf.sub(a, b)), 1)).dataSync()[0]).toBeGreaterThan(1e-3);
      tf.dispose([a, b]);
    }
    tf.dispose([atInit, trained, norms.gamma, norms.beta]);
    disposeInputs(inputs);
    disposeParams(params);
  });

  it('exposes the generated (gamma, beta) per pair, equal to the all-pairs tensor', () => {
    const params = createHypernetEncoderParams(tinyArgs({ numBlocks: 2 }));
    randomizeHypernetworkOutput(params);
    const all = hypernetEncoderLayerNorms(params);
    expect(all.gamma.shape).toEqual([2, 3, 4, 4]);
    const one = hypernetEncoderLayerNormsFor(params, 1, 2);
    expect(one.gamma.shape).toEqual([4, 4]);
    const fromAll = tf.squeeze(tf.slice(all.gamma, [1, 2, 0, 0], [1, 1, -1, -1]), [0, 1]);
    expect(tf.max(tf.abs(tf.sub(fromAll, one.gamma))).dataSync()[0]).toBe(0);
    expect(() => hypernetEncoderLayerNormsFor(params, 2, 0)).toThrow(
      'hypernetEncoderLayerNormsFor: taskIndex is out of range (expected an integer in [0, 2), found 2)',
    );
    // The hidden layer per pair (row k * M + m), non-negative (relu), of the configured width.
    const hidden = hypernetworkHidden(params)!;
    expect(hidden.shape).toEqual([6, params.args.hypernetworkUnits]);
    expect(tf.min(hidden).dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([all.gamma, all.beta, one.gamma, one.beta, fromAll, hidden]);
    disposeParams(params);
  });

  it('returns zeros for an all-padding sequence, and ignores padded values', () => {
    for (const pooling of POOLING_KINDS) {
      const params = createHypernetEncoderParams(tinyArgs({ pooling }));
      randomizeHypernetworkOutput(params);
      const inputs = makeInputs(3, [4, 4, 4], 4, 9); // sample 0 of behavior 0 is all padding
      const out = hypernetEncoderForward(params, inputs, { training: false });
      for (let k = 0; k < 2; k++) {
        const values = out[k]![0]!.dataSync();
        expect(Array.from(values.slice(0, 4)).every((v) => v === 0)).toBe(true);
        expect(values.every(Number.isFinite)).toBe(true);
      }
      // Overwrite every padded element with large values: the outputs must not change.
      const noisy = inputs.sequences.map((s, m) =>
        tf.tidy(() => {
          const padded = tf.expandDims(tf.sub(1, inputs.masks[m]!), 2);
          return tf.add(s, tf.mul(padded, tf.randomNormal(s.shape, 0, 50, 'float32', 3)));
        }),
      );
      const again = hypernetEncoderForward(params, { ...inputs, sequences: noisy }, { training: false });
      expect(maxDifference(out, again)).toBeLessThan(1e-4);
      tf.dispose([out, again, noisy]);
      disposeInputs(inputs);
      disposeParams(params);
    }
  });

  it('unconditioned mode: one shared encoder, K equal (separately disposable) copies', () => {
    const params = createHypernetEncoderParams(tinyArgs({ unconditioned: true, numBlocks: 2 }));
    expect(params.hypernetwork).toBeUndefined();
    const inputs = makeInputs(2, [3, 3, 2], 4, 4);
    const out = hypernetEncoderForward(params, inputs, { training: false });
    const reference = hypernetEncoderReferenceForward(params, inputs, { training: false });
    expect(maxDifference(out, reference)).toBeLessThan(1e-4);
    for (let m = 0; m < 3; m++) {
      expect(out[0]![m]).not.toBe(out[1]![m]);
      expect(maxDifference([[out[0]![m]!]], [[out[1]![m]!]])).toBe(0);
    }
    out[0]![0]!.dispose();
    expect(out[1]![0]!.dataSync().length).toBe(8);
    tf.dispose([out, reference]);
    disposeInputs(inputs);
    disposeParams(params);
  });

  for (const [label, forward] of FORWARDS) {
    it(`dropout only in training, deterministic given a seed (${label})`, () => {
      const params = createHypernetEncoderParams(
        tinyArgs({ attentionDropoutRate: 0.3, feedForwardDropoutRate: 0.3, pooling: 'target-attention-dot' }),
      );
      const inputs = makeInputs(3, [4, 4, 4], 4, 2);
      const inference = forward(params, inputs, { training: false });
      const first = forward(params, inputs, { training: true, dropoutSeed: 5 });
      const second = forward(params, inputs, { training: true, dropoutSeed: 5 });
      const other = forward(params, inputs, { training: true, dropoutSeed: 6 });
      expect(maxDifference(first, second)).toBe(0);
      expect(maxDifference(first, other)).toBeGreaterThan(1e-3);
      expect(maxDifference(first, inference)).toBeGreaterThan(1e-3);
      tf.dispose([inference, first, second, other]);
      disposeInputs(inputs);
      disposeParams(params);
    });
  }

  it('rejects inputs that do not match the args, with exact messages (both forwards)', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    const inputs = makeInputs(2, [4, 4, 4], 4);
    const wide = makeInputs(2, [4, 4, 4], 5);
    const short = makeInputs(2, [3, 3, 3], 4);
    const longer = makeInputs(2, [6, 4, 4], 4);
    const third = makeInputs(3, [4, 4, 4], 4);
    for (const [, forward] of FORWARDS) {
      expect(() =>
        forward(params, { ...inputs, sequences: inputs.sequences.slice(0, 2) }, { training: false }),
      ).toThrow(
        'HypernetEncoder inputs: sequences (one per behavior) has the wrong length (expected length 3, found "length 2")',
      );
      expect(() => forward(params, { ...inputs, sequences: wide.sequences }, { training: false })).toThrow(
        'HypernetEncoder inputs: sequences[0] has the wrong shape (expected [B, ?, 4], found "[2, 4, 5]")',
      );
      expect(() =>
        forward(
          params,
          { ...inputs, masks: [inputs.masks[0]!, short.masks[1]!, inputs.masks[2]!] },
          {
            training: false,
          },
        ),
      ).toThrow('HypernetEncoder inputs: masks[1] has the wrong shape (expected [B=2, 4], found "[2, 3]")');
      expect(() => forward(params, longer, { training: false })).toThrow(
        'HypernetEncoder inputs: sequences[0] is longer than the position table (expected L <= maxSequenceLength (5), found 6)',
      );
      expect(() => forward(params, { ...inputs, target: third.target }, { training: false })).toThrow(
        'HypernetEncoder inputs: target has the wrong shape (expected [B=2, 4], found "[3, 4]")',
      );
    }
    for (const set of [inputs, wide, short, longer, third]) disposeInputs(set);
    disposeParams(params);
  });

  it('does not leak tensors in either forward (inference, dropout, backward) and the layer-norm inspectors', async () => {
    const params = createHypernetEncoderParams(tinyArgs({ numBlocks: 2, attentionDropoutRate: 0.1 }));
    const inputs = makeInputs(2, [4, 2, 4], 4);
    await expectNoLeakedTensors(() => {
      for (const [, forward] of FORWARDS) {
        tf.dispose(forward(params, inputs, { training: true, dropoutSeed: 1 }));
        for (const training of [false, true]) {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.stack(forward(params, inputs, { training, dropoutSeed: 2 }).flat())) as tf.Scalar,
          );
          value.dispose();
          tf.dispose(Object.values(grads));
        }
      }
      const all = hypernetEncoderLayerNorms(params);
      const one = hypernetEncoderLayerNormsFor(params, 0, 1);
      tf.dispose([all.gamma, all.beta, one.gamma, one.beta, hypernetworkHidden(params)!]);
    });
    disposeInputs(inputs);
    disposeParams(params);
  });
});
