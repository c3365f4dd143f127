/** analyseBottom and withTaskModulesRotated on tiny models: what each bottom exposes, and no leaks. */
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { batches, sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyseBottom } from './bottom-analysis.js';
import { PairSimilarityAccumulator } from './bottom-statistics.js';
import type { ModelPresetName } from './presets.js';
import type { RecommenderModel } from './recommender-model.js';
import { withTaskModulesReset, withTaskModulesRotated } from './task-module-swap.js';
import { tinyData, tinyModel, trainStep } from './testing/tiny.js';

const data = tinyData(5, 600);
const rows = sliceRows(data, 0, 300);

function trained(name: ModelPresetName): RecommenderModel {
  const model = tinyModel(name, data);
  const optimizer = tf.train.adam(0.05);
  for (let step = 0; step < 4; step++)
    trainStep(model, sliceRows(data, step * 64, (step + 1) * 64), optimizer, step);
  optimizer.dispose();
  return model;
}

const analyse = (model: RecommenderModel) => analyseBottom(model, batches(rows, { batchSize: 128 }));

/** Linear CKA computed directly on all rows at once. */
function directCka(x: number[][], y: number[][]): number {
  const centre = (m: number[][]) => {
    const means = m[0]!.map((_, j) => m.reduce((t, row) => t + row[j]!, 0) / m.length);
    return m.map((row) => row.map((v, j) => v - means[j]!));
  };
  const [cx, cy] = [centre(x), centre(y)];
  const cross = (a: number[][], b: number[][]) =>
    a[0]!.flatMap((_, i) => b[0]!.map((__, j) => a.reduce((t, row, r) => t + row[i]! * b[r]![j]!, 0)));
  const frob2 = (v: number[]) => v.reduce((t, e) => t + e * e, 0);
  return frob2(cross(cx, cy)) / Math.sqrt(frob2(cross(cx, cx)) * frob2(cross(cy, cy)));
}

describe('PairSimilarityAccumulator', () => {
  it('streams the same linear CKA and cosine as the direct formula, 1 for a rotated and scaled copy', () => {
    const x = tf.randomNormal([40, 3], 0, 1, 'float32', 7);
    const y = tf.randomNormal([40, 3], 0, 1, 'float32', 8);
    const rotation = tf.tensor2d([0, -2, 0, 2, 0, 0, 0, 0, 2], [3, 3]); // 2 x a rotation
    const rotated = tf.matMul(x, rotation);
    const accumulator = new PairSimilarityAccumulator();
    for (const [start, size] of [
      [0, 25],
      [25, 15],
    ] as const) {
      const parts = [x, y, rotated].map((t) => tf.slice(t, [start, 0], [size, 3]));
      accumulator.add(parts);
      tf.dispose(parts);
    }
    const [ax, ay] = [x.arraySync() as number[][], y.arraySync() as number[][]];
    expect(accumulator.linearCka(0, 1)).toBeCloseTo(directCka(ax, ay), 4);
    expect(accumulator.linearCka(1, 0)).toBeCloseTo(directCka(ax, ay), 4);
    expect(accumulator.linearCka(0, 2)).toBeCloseTo(1, 4);
    expect(accumulator.linearCka(0, 1)).toBeLessThan(0.5);
    expect(accumulator.meanCosine(0, 0)).toBeCloseTo(1, 5);
    expect(accumulator.count).toBe(40);
    tf.dispose([x, y, rotation, rotated]);
  });
});

describe('analyseBottom', () => {
  it('DTRN: generated LayerNorms start as plain ones and move with training; TRM weights and task bottoms', () => {
    const fresh = tinyModel('dtrn-ple', data);
    const before = analyse(fresh);
    expect(before.layerNorms!.conditioned).toBe(true);
    // The zero-initialised last layer: every generated LayerNorm is exactly gamma 1, beta 0.
    expect(before.layerNorms!.shifts.every((s) => s.gammaShift === 0 && s.betaShift === 0)).toBe(true);
    expect(before.interestSpread!.every((s) => s.relative === 0)).toBe(true);
    fresh.dispose();

    const model = trained('dtrn-ple');
    const after = analyse(model);
    const K = model.taskNames.length;
    const M = after.behaviorNames.length;
    expect(after.bottom).toBe('dtrn');
    expect(after.rows).toBe(300);
    expect(after.layerNorms!.shifts).toHaveLength(K * M);
    const units = after.layerNorms!.hiddenUnits!;
    expect(units).toBe(8); // TINY_OVERRIDES.encoder.hypernetworkUnits
    expect(
      after.layerNorms!.shifts.every((s) => s.activeHiddenUnits! >= 0 && s.activeHiddenUnits! <= units),
    ).toBe(true);
    expect(after.layerNorms!.shifts.every((s) => s.gammaShift > 0 && s.betaShift > 0)).toBe(true);
    expect(after.layerNorms!.taskSpread!.every((s) => s.gamma > 0)).toBe(true);
    expect(after.interestSpread!.every((s) => s.relative > 0)).toBe(true);
    const weights = after.fieldWeights!;
    expect(weights.mean).toHaveLength(K);
    expect(weights.mean[0]).toHaveLength(model.fieldNames.length);
    expect(weights.std.flat().every((s) => s >= 0)).toBe(true);
    expect(weights.taskDeviation).toBeGreaterThan(0);
    expect(after.taskBottoms).toHaveLength((K * (K - 1)) / 2);
    const [pair] = after.taskBottoms;
    expect(pair!.linearCka).toBeGreaterThan(0);
    expect(pair!.linearCka).toBeLessThan(1);
    model.dispose();
  });

  it('PLE: one shared LayerNorm, no TRM, identical task bottoms (CKA and cosine 1)', () => {
    const model = trained('ple');
    const result = analyse(model);
    expect(result.bottom).toBe('shared');
    expect(result.layerNorms!.conditioned).toBe(false);
    expect(result.layerNorms!.shifts.every((s) => s.task === null && s.activeHiddenUnits === null)).toBe(
      true,
    );
    expect(result.layerNorms!.hiddenUnits).toBeNull();
    expect(result.layerNorms!.taskSpread).toBeNull();
    expect(result.interestSpread).toBeNull();
    expect(result.fieldWeights).toBeNull();
    expect(result.taskBottoms[0]!.linearCka).toBeCloseTo(1, 5);
    expect(result.taskBottoms[0]!.meanCosine).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('ablations: no TIM has TRM but task-agnostic interests; no TRM has TIM and no field weights', () => {
    const noTim = trained('dtrn-ple-no-tim');
    const a = analyse(noTim);
    expect([a.bottom, a.layerNorms!.conditioned, a.interestSpread, a.fieldWeights === null]).toEqual([
      'dtrn-no-tim',
      false,
      null,
      false,
    ]);
    const noTrm = trained('dtrn-ple-no-trm');
    const b = analyse(noTrm);
    expect([b.bottom, b.layerNorms!.conditioned, b.fieldWeights]).toEqual(['dtrn-no-trm', true, null]);
    expect(b.interestSpread!.length).toBeGreaterThan(0);
    noTim.dispose();
    noTrm.dispose();
  });

  it('refuses the single-task baseline and empty input', () => {
    const single = tinyModel('single-task', data);
    expect(() => analyse(single)).toThrow('no multi-task bottom');
    single.dispose();
    const model = tinyModel('ple', data);
    expect(() => analyseBottom(model, [])).toThrow('no rows to analyse');
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = trained('dtrn-ple');
    await expectNoLeakedTensors(() => analyse(model));
    model.dispose();
  });
});

describe('withTaskModulesRotated', () => {
  it('swaps the tasks of TIM or TRM for the run and restores every weight afterwards', async () => {
    const model = trained('dtrn-ple');
    const batch = sliceRows(data, 0, 64);
    const base = model.predict(batch);
    for (const module of ['tim', 'trm'] as const) {
      const inside = await withTaskModulesRotated(model, module, () => model.predict(batch));
      expect(Array.from(inside[0]!)).not.toEqual(Array.from(base[0]!));
      expect(Array.from(model.predict(batch)[0]!)).toEqual(Array.from(base[0]!));
    }
    await expect(
      withTaskModulesRotated(model, 'tim', () => {
        throw new Error('inside');
      }),
    ).rejects.toThrow('inside');
    expect(Array.from(model.predict(batch)[1]!)).toEqual(Array.from(base[1]!));
    model.dispose();
  });

  it('reset: no change on a fresh model (it starts there), a change on a trained one, restored after', async () => {
    const batch = sliceRows(data, 0, 64);
    const fresh = tinyModel('dtrn-ple', data);
    const start = fresh.predict(batch);
    for (const module of ['tim', 'trm'] as const) {
      const inside = await withTaskModulesReset(fresh, module, () => fresh.predict(batch));
      expect(Array.from(inside[0]!)).toEqual(Array.from(start[0]!));
    }
    fresh.dispose();
    const model = trained('dtrn-ple');
    const base = model.predict(batch);
    for (const module of ['tim', 'trm'] as const) {
      const inside = await withTaskModulesReset(model, module, () => model.predict(batch));
      expect(Array.from(inside[1]!)).not.toEqual(Array.from(base[1]!));
      expect(Array.from(model.predict(batch)[1]!)).toEqual(Array.from(base[1]!));
    }
    const analysed = await withTaskModulesReset(model, 'tim', () => analyse(model));
    expect(analysed.layerNorms!.shifts.every((s) => s.gammaShift === 0 && s.betaShift === 0)).toBe(true);
    await expectNoLeakedTensors(() => withTaskModulesReset(model, 'trm', () => model.predict(batch)));
    model.dispose();
  });

  it('names the missing module', async () => {
    const noTrm = tinyModel('dtrn-ple-no-trm', data);
    await expect(withTaskModulesRotated(noTrm, 'trm', () => 0)).rejects.toThrow('no task refiner (TRM)');
    noTrm.dispose();
    const ple = tinyModel('ple', data);
    await expect(withTaskModulesRotated(ple, 'tim', () => 0)).rejects.toThrow('no task-conditioned encoder');
    ple.dispose();
  });

  it('leaks no tensors', async () => {
    const model = trained('dtrn-ple');
    const batch = sliceRows(data, 0, 32);
    await expectNoLeakedTensors(() => withTaskModulesRotated(model, 'trm', () => model.predict(batch)));
    await expectNoLeakedTensors(() => withTaskModulesRotated(model, 'tim', () => model.predict(batch)));
    model.dispose();
  });
});
