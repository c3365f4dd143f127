import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { POOLING_KINDS } from './args.js';
import { BUCKET_COST } from './compaction.js';
import { hypernetEncoderForward } from './forward.js';
import { hypernetEncoderLayerNorms, hypernetEncoderLayerNormsFor } from './hypernetwork.js';
import { createHypernetEncoderParams } from './params.js';
import {
  disposeInputs,
  disposeParams,
  makeInputs,
  maxDifference,
  randomizeHypernetworkOutput,
  referenceForward,
  tinyArgs,
} from './test-support.js';

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

  for (const pooling of POOLING_KINDS) {
    it(`equals a naive per-(task, behavior) reference (${pooling}, 2 blocks, non-contiguous length groups)`, () => {
      const params = createHypernetEncoderParams(tinyArgs({ pooling, numBlocks: 2 }));
      randomizeHypernetworkOutput(params);
      const inputs = makeInputs(3, [4, 2, 4], 4, 7);
      const out = hypernetEncoderForward(params, inputs, { training: false });
      const reference = referenceForward(params, inputs);
      expect(maxDifference(out, reference)).toBeLessThan(1e-4);
      tf.dispose([out, reference]);
      disposeInputs(inputs);
      disposeParams(params);
    });
  }

  for (const pooling of POOLING_KINDS) {
    it(`equals the reference with a bucket per span, masks with holes, mixed lengths (${pooling})`, () => {
      const overhead = BUCKET_COST.bucketOverhead;
      BUCKET_COST.bucketOverhead = 0; // every distinct span its own bucket
      try {
        for (const unconditioned of [false, true]) {
          const params = createHypernetEncoderParams(tinyArgs({ pooling, numBlocks: 2, unconditioned }));
          if (!unconditioned) randomizeHypernetworkOutput(params);
          const inputs = makeInputs(5, [5, 3, 4], 4, 12, [
            [0, 1, 5, 3, 2],
            [3, 2, 1, 0, 3],
            [4, 4, 1, 2, 0],
          ]);
          // Holes inside the spans: position 2 of sample 2 (behavior 0) and position 2 of sample 0 (behavior 2).
          const holes = [[2 * 5 + 2], [], [0 * 4 + 2]];
          const masks = inputs.masks.map((mask, m) => {
            const values = mask.dataSync().slice();
            for (const i of holes[m]!) values[i] = 0;
            return tf.tensor(values, mask.shape);
          });
          const holed = { ...inputs, masks };
          const out = hypernetEncoderForward(params, holed, { training: false });
          const reference = referenceForward(params, holed);
          expect(maxDifference(out, reference)).toBeLessThan(1e-4);
          tf.dispose([out, reference, masks]);
          disposeInputs(inputs);
          disposeParams(params);
        }
      } finally {
        BUCKET_COST.bucketOverhead = overhead;
      }
    });
  }

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
    tf.dispose([all.gamma, all.beta, one.gamma, one.beta, fromAll]);
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
    const reference = referenceForward(params, inputs);
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

  it('dropout only in training, deterministic given a seed', () => {
    const params = createHypernetEncoderParams(
      tinyArgs({ attentionDropoutRate: 0.3, feedForwardDropoutRate: 0.3, pooling: 'target-attention-dot' }),
    );
    const inputs = makeInputs(3, [4, 4, 4], 4, 2);
    const inference = hypernetEncoderForward(params, inputs, { training: false });
    const plainReference = referenceForward(params, inputs);
    expect(maxDifference(inference, plainReference)).toBeLessThan(1e-4);
    const first = hypernetEncoderForward(params, inputs, { training: true, dropoutSeed: 5 });
    const second = hypernetEncoderForward(params, inputs, { training: true, dropoutSeed: 5 });
    const other = hypernetEncoderForward(params, inputs, { training: true, dropoutSeed: 6 });
    expect(maxDifference(first, second)).toBe(0);
    expect(maxDifference(first, other)).toBeGreaterThan(1e-3);
    expect(maxDifference(first, inference)).toBeGreaterThan(1e-3);
    tf.dispose([inference, plainReference, first, second, other]);
    disposeInputs(inputs);
    disposeParams(params);
  });

  it('rejects inputs that do not match the args, with exact messages', () => {
    const params = createHypernetEncoderParams(tinyArgs());
    const inputs = makeInputs(2, [4, 4, 4], 4);
    expect(() =>
      hypernetEncoderForward(
        params,
        { ...inputs, sequences: inputs.sequences.slice(0, 2) },
        { training: false },
      ),
    ).toThrow(
      'HypernetEncoder inputs: sequences (one per behavior) has the wrong length (expected length 3, found "length 2")',
    );
    const wide = makeInputs(2, [4, 4, 4], 5);
    expect(() =>
      hypernetEncoderForward(params, { ...inputs, sequences: wide.sequences }, { training: false }),
    ).toThrow(
      'HypernetEncoder inputs: sequences[0] has the wrong shape (expected [B, ?, 4], found "[2, 4, 5]")',
    );
    const short = makeInputs(2, [3, 3, 3], 4);
    expect(() =>
      hypernetEncoderForward(
        params,
        { ...inputs, masks: [inputs.masks[0]!, short.masks[1]!, inputs.masks[2]!] },
        {
          training: false,
        },
      ),
    ).toThrow('HypernetEncoder inputs: masks[1] has the wrong shape (expected [B=2, 4], found "[2, 3]")');
    const longer = makeInputs(2, [6, 4, 4], 4);
    expect(() => hypernetEncoderForward(params, longer, { training: false })).toThrow(
      'HypernetEncoder inputs: sequences[0] is longer than the position table (expected L <= maxSequenceLength (5), found 6)',
    );
    const third = makeInputs(3, [4, 4, 4], 4);
    expect(() =>
      hypernetEncoderForward(params, { ...inputs, target: third.target }, { training: false }),
    ).toThrow('HypernetEncoder inputs: target has the wrong shape (expected [B=2, 4], found "[3, 4]")');
    for (const set of [inputs, wide, short, longer, third]) disposeInputs(set);
    disposeParams(params);
  });

  it('does not leak tensors in forward, backward and the layer-norm inspectors', async () => {
    const params = createHypernetEncoderParams(tinyArgs({ numBlocks: 2, attentionDropoutRate: 0.1 }));
    const inputs = makeInputs(2, [4, 2, 4], 4);
    await expectNoLeakedTensors(() => {
      tf.dispose(hypernetEncoderForward(params, inputs, { training: true, dropoutSeed: 1 }));
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(tf.stack(hypernetEncoderForward(params, inputs, { training: false }).flat())) as tf.Scalar,
      );
      value.dispose();
      tf.dispose(Object.values(grads));
      const all = hypernetEncoderLayerNorms(params);
      const one = hypernetEncoderLayerNormsFor(params, 0, 1);
      tf.dispose([all.gamma, all.beta, one.gamma, one.beta]);
    });
    disposeInputs(inputs);
    disposeParams(params);
  });
});
