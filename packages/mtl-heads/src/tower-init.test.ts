/**
 * Tower initialisation: every tower's logit layer starts with balanced signs (magnitudes from the
 * kernel initializer, signs alternating over its inputs), and a tower whose logit layer a plain
 * draw would make all positive still learns an imbalanced task instead of dying.
 */
import { createRng } from '@dtrn/base';
import { seededInitializer } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allHeadVariables } from './define-head.js';
import { mmoeHead } from './mmoe.js';
import { pleHead } from './ple.js';
import type { AnyMtlHeadDefinition } from './registry.js';
import { sharedBottomHead } from './shared-bottom.js';
import type { MmoeSyntheticData } from './testing/mmoe-synthetic.js';
import { trainHead } from './testing/train-head.js';

const HEADS: [string, AnyMtlHeadDefinition, { towerUnits: number[] } & Record<string, unknown>][] = [
  ['shared-bottom', sharedBottomHead, { bottomUnits: [8], towerUnits: [6] }],
  ['mmoe', mmoeHead, { numExperts: 2, expertUnits: [8], towerUnits: [5] }],
  ['ple', pleHead, { numLevels: 2, expertUnits: [8], towerUnits: [] }],
];

function plainInitial(name: string, shape: number[], seed: number): Float32Array {
  const tensor = seededInitializer('glorotUniform', seed, name).apply(shape);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

describe.each(HEADS)('%s towers', (_name, head, raw) => {
  it("logit kernels keep the initializer's magnitudes with alternating signs; other weights are plain draws", () => {
    const args = head.resolveArgs({ ...raw, numTasks: 3, inputDim: 7, seed: 11 });
    const params = head.createParams(args);
    const variables = allHeadVariables(head.variables(params));
    try {
      const logitLayer = raw.towerUnits.length;
      for (let task = 0; task < 3; task++) {
        const name = `tower/${task}/${logitLayer}/kernel`;
        const kernel = variables[name]!;
        const values = Array.from(kernel.dataSync());
        const plain = plainInitial(name, [...kernel.shape], 11);
        expect(values.map(Math.abs)).toEqual(Array.from(plain, Math.abs));
        expect(values.map(Math.sign)).toEqual(values.map((_, i) => (i % 2 === 0 ? 1 : -1)));
      }
      if (raw.towerUnits.length > 0) {
        const kernel = variables['tower/1/0/kernel']!;
        const plain = plainInitial('tower/1/0/kernel', [...kernel.shape], 11);
        expect(Array.from(kernel.dataSync())).toEqual(Array.from(plain));
      }
    } finally {
      tf.dispose(Object.values(variables));
    }
  });
});

/** Task 0: 5% positives (the top of x.w0); task 1: half positives (x.w1 > 0). */
function imbalancedData(numSamples: number, inputDim: number, seed: number): MmoeSyntheticData {
  const rng = createRng(seed);
  const features = Float32Array.from({ length: numSamples * inputDim }, () => rng.normal());
  const w0 = Array.from({ length: inputDim }, () => rng.normal());
  const w1 = Array.from({ length: inputDim }, () => rng.normal());
  const dot = (w: number[], row: number) =>
    w.reduce((sum, v, j) => sum + v * features[row * inputDim + j]!, 0);
  const scores = Array.from({ length: numSamples }, (_, row) => dot(w0, row));
  const cut = [...scores].sort((a, b) => a - b)[Math.floor(0.95 * numSamples)]!;
  const labels: [Float32Array, Float32Array] = [
    Float32Array.from(scores, (s) => (s > cut ? 1 : 0)),
    Float32Array.from({ length: numSamples }, (_, row) => (dot(w1, row) > 0 ? 1 : 0)),
  ];
  return { features, labels } as unknown as MmoeSyntheticData;
}

describe('a tower a plain draw would kill', () => {
  it('learns a 5%-positive task when a plain glorotUniform logit layer would be all positive', () => {
    // The first seed whose plain draw of tower 0's logit kernel [4, 1] is all positive: then the
    // first updates, which pull the 5% task's output down, can only lower all four ReLU units.
    const seed = Array.from({ length: 500 }, (_, s) => s).find((s) =>
      plainInitial('tower/0/1/kernel', [4, 1], s).every((v) => v > 0),
    );
    expect(seed).toBeDefined();
    const data = imbalancedData(3000, 8, 5);
    const result = trainHead(sharedBottomHead, { bottomUnits: [8], towerUnits: [4] }, data, {
      numTrain: 2400,
      epochs: 4,
      batchSize: 100,
      learningRate: 0.01,
      seed: seed!,
    });
    expect(result.auc[0]).toBeGreaterThan(0.9);
    expect(result.auc[1]).toBeGreaterThan(0.9);
  });
});
