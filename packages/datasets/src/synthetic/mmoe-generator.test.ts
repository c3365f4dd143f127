import { ConfigError, isConfigError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { correlation, hashDataset } from '../testing/synthetic.js';
import { mmoeDataToDataset } from './mmoe-dataset.js';
import { generateMmoeData, resolveMmoeDataArgs } from './mmoe-generator.js';

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}

describe('generateMmoeData', () => {
  it('is byte-identical for equal seeds and differs for different seeds', () => {
    const args = { numSamples: 500, inputDim: 20, correlation: 0.3, binarise: true };
    const hash = (seed: number) => hashDataset(mmoeDataToDataset(generateMmoeData({ ...args, seed })));
    expect(hash(7)).toBe(hash(7));
    expect(hash(7)).not.toBe(hash(8));
  });

  it.each([
    [2, 0.5],
    [2, -0.9],
    [3, 0.2],
    [3, -0.5],
  ])('builds %i task weights with pairwise cosine %f and norm c', (numTasks, p) => {
    const data = generateMmoeData({ numSamples: 1, inputDim: 10, numTasks, correlation: p, scale: 2 });
    for (let a = 0; a < numTasks; a++) {
      const weight = data.weights[a]!;
      expect(Math.hypot(...weight)).toBeCloseTo(2, 10);
      for (let b = a + 1; b < numTasks; b++) expect(cosine(weight, data.weights[b]!)).toBeCloseTo(p, 10);
    }
  });

  it('computes y = w.x + sum sin(alpha w.x + beta) exactly without noise', () => {
    const data = generateMmoeData({ numSamples: 50, inputDim: 8, noiseStd: 0, correlation: 0.7, seed: 3 });
    const { alphas, betas, inputDim } = data.args;
    expect(alphas).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(betas).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    for (const row of [0, 17, 49]) {
      for (let task = 0; task < 2; task++) {
        let linear = 0;
        for (let i = 0; i < inputDim; i++) linear += data.weights[task]![i]! * data.x[row * inputDim + i]!;
        let expected = linear;
        for (let s = 0; s < alphas.length; s++) expected += Math.sin(alphas[s]! * linear + betas[s]!);
        expect(data.targets[task]![row]).toBeCloseTo(expected, 4);
      }
    }
  });

  it('gives linear scores whose measured correlation follows the knob, and median-binarised labels', () => {
    const data = generateMmoeData({
      numSamples: 4000,
      inputDim: 16,
      correlation: -0.4,
      binarise: true,
      seed: 5,
    });
    const linear = data.weights.map((weight) =>
      Float64Array.from({ length: 4000 }, (_, row) => {
        let sum = 0;
        for (let i = 0; i < 16; i++) sum += weight[i]! * data.x[row * 16 + i]!;
        return sum;
      }),
    );
    expect(Math.abs(correlation(linear[0]!, linear[1]!) - -0.4)).toBeLessThan(0.05);
    for (let task = 0; task < 2; task++) {
      const labels = data.labels![task]!;
      expect(labels.reduce((a, b) => a + b, 0)).toBe(2000);
      const median = data.medians![task]!;
      expect(Array.from(labels)).toEqual(Array.from(data.targets[task]!, (y) => (y > median ? 1 : 0)));
    }
    expect(generateMmoeData({ numSamples: 10 }).labels).toBeUndefined();
  });

  it('rejects bad args with exact messages', () => {
    expect(() => resolveMmoeDataArgs({ numSample: 3 } as never)).toThrow(
      'MmoeDataArgs: unknown key "numSample"; did you mean "numSamples"?',
    );
    expect(() => resolveMmoeDataArgs({ correlation: 1.5 })).toThrow(
      'MmoeDataArgs.correlation is invalid (expected a finite number >= -1 and <= 1, found 1.5)',
    );
    expect(() => resolveMmoeDataArgs({ numTasks: 3, correlation: -0.6 })).toThrow(
      'MmoeDataArgs.correlation is invalid (expected a finite number >= -0.5 and <= 1, found -0.6)',
    );
    expect(() => resolveMmoeDataArgs({ numTasks: 4, inputDim: 3 })).toThrow(ConfigError);
    expect(() => resolveMmoeDataArgs({ numSines: 2, alphas: [1] })).toThrow(
      'MmoeDataArgs.alphas must have one entry per sine term (expected 2 numbers (numSines), found "1 numbers")',
    );
  });
});

describe('mmoeDataToDataset', () => {
  it('wraps the data as dense fields with binarised labels and regression targets as extras', () => {
    const data = generateMmoeData({ numSamples: 30, inputDim: 4, binarise: true, seed: 1 });
    const dataset = mmoeDataToDataset(data, { taskNames: ['a', 'b'] });
    expect(dataset.size).toBe(30);
    expect(dataset.schema.denseFields.map((f) => f.name)).toEqual(['x0', 'x1', 'x2', 'x3']);
    expect(dataset.schema.tasks.map((t) => t.name)).toEqual(['a', 'b']);
    expect(dataset.dense[2]![11]).toBe(data.x[11 * 4 + 2]);
    expect(dataset.labels[1]).toBe(data.labels![1]);
    expect(dataset.extras?.['target/b']).toBe(data.targets[1]);
    expect(dataset.sampleMasks).toEqual([undefined, undefined]);
  });

  it('refuses regression-only data and bad task names', () => {
    const regression = generateMmoeData({ numSamples: 5, inputDim: 3 });
    let error: unknown;
    try {
      mmoeDataToDataset(regression);
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('expected data generated with binarise: true');
    const binary = generateMmoeData({ numSamples: 5, inputDim: 3, binarise: true });
    expect(() => mmoeDataToDataset(binary, { taskNames: ['a', 'a'] })).toThrow('must name every task once');
  });
});
