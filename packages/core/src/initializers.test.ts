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
});
