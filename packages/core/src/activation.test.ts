import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ACTIVATIONS, applyActivation, checkActivation } from './activation.js';

describe('activations', () => {
  it('computes each activation', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const values = (name: (typeof ACTIVATIONS)[number]) => Array.from(applyActivation(x, name).dataSync());
    const raw = [-2, -0.5, 0, 0.5, 2];
    const close = (a: number[], b: number[]) => {
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    };
    close(values('linear'), raw);
    close(
      values('relu'),
      raw.map((v) => Math.max(0, v)),
    );
    close(
      values('sigmoid'),
      raw.map((v) => 1 / (1 + Math.exp(-v))),
    );
    close(values('tanh'), raw.map(Math.tanh));
    close(
      values('elu'),
      raw.map((v) => (v > 0 ? v : Math.exp(v) - 1)),
    );
    close(
      values('gelu'),
      raw.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
    );
    expect(applyActivation(x, 'linear')).toBe(x);
    x.dispose();
  });

  it('validates names', () => {
    expect(checkActivation('relu', 'a')).toBe('relu');
    expect(() => checkActivation('rellu', 'SenetArgs.excitationActivation')).toThrow('did you mean "relu"?');
  });
});
