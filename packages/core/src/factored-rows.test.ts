import { isShapeError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMlpVariables, denseForward, mlpForward } from './dense.js';
import { denseInputShape, factoredRows, isFactoredRows, materializeRows } from './factored-rows.js';
import { expectNoLeakedTensors } from './testing/index.js';

const D = 12;
const C = 7;

function rows(start: number, width: number) {
  const base = tf.randomUniform([1, D], -1, 1, 'float32', 1); // [1, D]
  const varying = tf.randomUniform([C, width], -1, 1, 'float32', 2); // [C, w]
  return { base, varying, x: factoredRows(base, varying, start) };
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) expect(a[i]).toBeCloseTo(e[i]!, 5);
}

describe('factoredRows', () => {
  it('materialises to the base row with the varying columns replaced', () => {
    for (const [start, width] of [
      [0, 3],
      [4, 3],
      [9, 3],
      [0, D],
    ] as const) {
      const { base, varying, x } = rows(start, width);
      expect(isFactoredRows(x)).toBe(true);
      expect(isFactoredRows(base)).toBe(false);
      expect(denseInputShape(x)).toEqual([C, D]);
      const full = materializeRows(x).arraySync() as number[][];
      const b = base.arraySync() as number[][];
      const v = varying.arraySync() as number[][];
      for (let i = 0; i < C; i++) {
        for (let j = 0; j < D; j++) {
          const expected = j >= start && j < start + width ? v[i]![j - start]! : b[0]![j]!;
          expect(full[i]![j]).toBeCloseTo(expected, 6);
        }
      }
      tf.dispose([base, varying]);
    }
  });

  it('gives the same dense and MLP outputs as the materialised rows', () => {
    const layers = createMlpVariables('mlp', D, [5, 4], { seed: 3, biasInitializer: 'glorotUniform' });
    for (const start of [0, 5, 9]) {
      const { base, varying, x } = rows(start, 3);
      const full = materializeRows(x);
      const dense = denseForward(x, layers[0]!, 'relu');
      const denseFull = denseForward(full, layers[0]!, 'relu');
      expectClose(dense, denseFull);
      const mlp = mlpForward(x, layers);
      const mlpFull = mlpForward(full, layers);
      expectClose(mlp, mlpFull);
      tf.dispose([base, varying, full, dense, denseFull, mlp, mlpFull]);
    }
    tf.dispose(layers.flatMap((l) => [l.kernel, l.bias!]));
  });

  it('rejects a base with several rows and a range outside the row', () => {
    const base = tf.zeros([2, D]);
    const one = tf.zeros([1, D]);
    const varying = tf.zeros([C, 3]);
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(isShapeError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a ShapeError');
    };
    expect(errorOf(() => factoredRows(base, varying, 0))).toContain('exactly one row');
    expect(errorOf(() => factoredRows(one, varying, D - 2))).toContain('do not fit');
    expect(errorOf(() => factoredRows(one, varying, -1))).toContain('do not fit');
    tf.dispose([base, one, varying]);
  });

  it('leaks no tensors', async () => {
    const layers = createMlpVariables('mlp', D, [5, 1], { seed: 4 });
    const { base, varying, x } = rows(2, 4);
    await expectNoLeakedTensors(() => {
      tf.dispose([mlpForward(x, layers), materializeRows(x), denseForward(x, layers[0]!)]);
    });
    tf.dispose([base, varying, ...layers.flatMap((l) => [l.kernel, l.bias!])]);
  });
});
