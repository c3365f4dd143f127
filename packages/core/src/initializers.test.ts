import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seededInitializer, weightSeed } from './initializers.js';

describe('seeded initializers', () => {
  it('are deterministic per (seed, weight name) and differ across names', () => {
    const a = seededInitializer('glorotUniform', 1, 'w').apply([4, 4]);
    const b = seededInitializer('glorotUniform', 1, 'w').apply([4, 4]);
    const c = seededInitializer('glorotUniform', 1, 'v').apply([4, 4]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(Array.from(seededInitializer('zeros', 1, 'z').apply([3]).dataSync())).toEqual([0, 0, 0]);
    const normal = seededInitializer('truncatedNormal', 2, 't').apply([2000]);
    expect(Math.abs(Math.sqrt(tf.moments(normal).variance.dataSync()[0]!) - 0.02 * 0.88)).toBeLessThan(0.003);
    expect(weightSeed(1, 'w')).toBe(weightSeed(1, 'w'));
    expect(() => seededInitializer('glorotUnifrom' as 'zeros', 1, 'w')).toThrow(
      'did you mean "glorotUniform"?',
    );
    tf.dispose([a, b, c, normal]);
  });

  it("balancedSigns keeps the initializer's magnitudes and alternates the signs over the input rows", () => {
    for (const name of ['glorotUniform', 'heNormal', 'truncatedNormal'] as const) {
      const plain = seededInitializer(name, 3, 'tower/0/1/kernel').apply([5, 2]);
      const balanced = seededInitializer(name, 3, 'tower/0/1/kernel', { balancedSigns: true }).apply([5, 2]);
      const values = Array.from(balanced.dataSync());
      expect(values.map(Math.abs)).toEqual(Array.from(plain.dataSync(), Math.abs));
      // Row i of the [5, 2] kernel: positive for even i, negative for odd i (both columns).
      expect(values.map(Math.sign)).toEqual([1, 1, -1, -1, 1, 1, -1, -1, 1, 1]);
      tf.dispose([plain, balanced]);
    }
    const before = tf.memory().numTensors;
    tf.dispose(seededInitializer('glorotUniform', 1, 'w', { balancedSigns: true }).apply([3, 1]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
