import { describe, expect, it } from 'vitest';
import { generateMmoeSynthetic } from './mmoe-synthetic.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

describe('MMoE synthetic data (test helper)', () => {
  it('sets cos(w1, w2) to the requested correlation with |w_k| = c', () => {
    for (const correlation of [0, 0.5, 0.9]) {
      const data = generateMmoeSynthetic({ numSamples: 4, inputDim: 12, correlation, scale: 2, seed: 1 });
      const [w1, w2] = data.taskWeights;
      expect(Math.sqrt(dot(w1, w1))).toBeCloseTo(2, 10);
      expect(Math.sqrt(dot(w2, w2))).toBeCloseTo(2, 10);
      expect(dot(w1, w2) / 4).toBeCloseTo(correlation, 10);
    }
  });

  it('computes y_k from the formula and balances the binary labels at the median', () => {
    const data = generateMmoeSynthetic({
      numSamples: 201,
      inputDim: 5,
      correlation: 0.3,
      noiseStd: 0,
      seed: 2,
    });
    const x = data.features.subarray(5 * 7, 5 * 8); // sample 7
    const projected = dot(data.taskWeights[1], x);
    let expected = projected;
    for (let i = 1; i <= 10; i++) expected += Math.sin(i * projected + (i - 1) ** 2);
    expect(data.targets[1][7]).toBeCloseTo(expected, 5);
    for (const labels of data.labels) expect(labels.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('is reproducible from its seed', () => {
    const a = generateMmoeSynthetic({ numSamples: 3, inputDim: 4, correlation: 0.5, seed: 9 });
    const b = generateMmoeSynthetic({ numSamples: 3, inputDim: 4, correlation: 0.5, seed: 9 });
    const c = generateMmoeSynthetic({ numSamples: 3, inputDim: 4, correlation: 0.5, seed: 10 });
    expect(Array.from(a.features)).toEqual(Array.from(b.features));
    expect(Array.from(a.features)).not.toEqual(Array.from(c.features));
  });
});
