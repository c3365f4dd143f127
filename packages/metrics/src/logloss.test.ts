import { describe, expect, it } from 'vitest';
import { logloss } from './logloss.js';

describe('logloss', () => {
  it('is the mean binary cross-entropy', () => {
    expect(logloss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 14);
  });

  it('clips probabilities to [1e-7, 1 - 1e-7]', () => {
    expect(logloss([1], [0])).toBeCloseTo(-Math.log(1e-7), 10);
    expect(logloss([0], [1])).toBeCloseTo(-Math.log(1e-7), 6);
    expect(logloss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });

  it('rejects probabilities outside [0, 1] and bad labels', () => {
    expect(() => logloss([1], [1.5])).toThrow(
      'field probs, index 0: logloss: probs must be probabilities (expected a number in [0, 1], found 1.5)',
    );
    expect(() => logloss([1], [Number.NaN])).toThrow('logloss: probs must be probabilities');
    expect(() => logloss([0.5], [0.5])).toThrow('logloss: labels must be 0 or 1');
    expect(() => logloss([], [])).toThrow('logloss: labels is empty');
  });
});
