/**
 * Pooled sequences (mean-pool encoder): the masked means gathered in prepare equal tfjs's masked
 * mean of the gathered rows, and their row updates equal the ones tfjs's gradient of that mean
 * gives through the unpooled path.
 */
import { deriveSeed } from '@dtrn/base';
import { EmbeddingBank, type EmbeddingUpdate, rowGradientsOf } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { planFeatures } from './feature-layout.js';
import { resolveModelArgs } from './model-args.js';
import { prepareBatch } from './prepare-batch.js';
import { tinyData, tinyModel, tinyPreset } from './testing/tiny.js';

const data = tinyData(7, 200);
const batch = sliceRows(data, 20, 32); // 12 rows; the tiny preset has some empty sequences
const B = batch.size;
const d = 10;

function setup() {
  const args = resolveModelArgs(tinyPreset('mmoe', { sequenceEncoder: 'mean-pool' }));
  const layout = planFeatures(data.schema, args);
  const bank = new EmbeddingBank({ tables: layout.tables, seed: deriveSeed(3, 'embeddings') } as never);
  return { layout, bank };
}

/** Summed gradient per (table, row) over a list of updates. */
function rowSums(updates: readonly EmbeddingUpdate[], dims: Map<string, number>): Map<string, number[]> {
  const sums = new Map<string, number[]>();
  for (const update of updates) {
    const w = dims.get(update.table)!;
    const gradients = rowGradientsOf(update, w);
    update.ids.forEach((id, i) => {
      if (id === 0) return;
      const key = `${update.table}/${id}`;
      const sum = sums.get(key) ?? new Array<number>(w).fill(0);
      for (let j = 0; j < w; j++) sum[j]! += gradients[i * w + j]!;
      sums.set(key, sum);
    });
  }
  return sums;
}

describe('pooled sequences', () => {
  it('equal the masked mean of the gathered rows, zeros for an empty sequence', () => {
    const { layout, bank } = setup();
    const pooled = prepareBatch(bank, layout, batch, 'test', { poolSequences: true });
    const full = prepareBatch(bank, layout, batch, 'test', { poolSequences: false });
    expect(pooled.inputs.sequences).toEqual([]);
    expect(pooled.inputs.pooled.map((t) => t.shape)).toEqual(layout.behaviors.map(() => [B, d]));
    let empty = 0;
    layout.behaviors.forEach((behavior, m) => {
      const expected = tf.tidy(() => {
        const mask = tf.expandDims(full.inputs.masks[m]!, 2); // [B, L, 1]
        const total = tf.sum(tf.mul(full.inputs.sequences[m]!, mask), 1); // [B, d]
        return tf.div(total, tf.maximum(tf.sum(mask, 1), 1)).dataSync(); // [B, d]
      });
      const actual = pooled.inputs.pooled[m]!.dataSync();
      for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 6);
      const items = batch.sequences[m]!.items;
      for (let b = 0; b < B; b++) {
        if (!items.subarray(b * behavior.maxLength, (b + 1) * behavior.maxLength).every((id) => id === 0))
          continue;
        empty++;
        expect(Array.from(actual.subarray(b * d, (b + 1) * d))).toEqual(new Array(d).fill(0));
      }
    });
    expect(empty).toBeGreaterThan(0); // the empty-sequence case was exercised
    pooled.dispose();
    full.dispose();
  });

  it("turn a gradient into the same row updates as tfjs's gradient of the masked mean", () => {
    const { layout, bank } = setup();
    const dims = new Map(layout.tables.map((t) => [t.name, t.dim]));
    const pooled = prepareBatch(bank, layout, batch, 'test', { poolSequences: true });
    const full = prepareBatch(bank, layout, batch, 'test', { poolSequences: false });
    const M = layout.behaviors.length;
    const upstream = layout.behaviors.map((_, m) => tf.randomNormal([B, d], 0, 1, 'float32', 10 + m)); // M x [B, d]
    const sequenceGradients = layout.behaviors.map((_, m) =>
      tf.grad((sequence: tf.Tensor) => {
        const mask = tf.expandDims(full.inputs.masks[m]!, 2);
        const mean = tf.div(tf.sum(tf.mul(sequence, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
        return tf.sum(tf.mul(mean, upstream[m]!));
      })(full.inputs.sequences[m]!),
    ); // M x [B, L, d]
    const captured: EmbeddingUpdate[][] = [];
    const capture = (updates: readonly EmbeddingUpdate[]) => {
      captured.push([...updates]);
      return { step: 1, touchedRows: {} };
    };
    const zerosFor = (prepared: typeof full) =>
      prepared.sparseInputs.slice(0, prepared.sparseInputs.length - M).map((t) => tf.zerosLike(t));
    const fullZeros = zerosFor(full);
    const pooledZeros = zerosFor(pooled);
    const original = bank.applyGradients.bind(bank);
    bank.applyGradients = capture;
    try {
      full.applySparseGradients([...fullZeros, ...sequenceGradients]);
      pooled.applySparseGradients([...pooledZeros, ...upstream]);
    } finally {
      bank.applyGradients = original;
    }
    const fromFull = rowSums(captured[0]!, dims);
    const fromPooled = rowSums(captured[1]!, dims);
    const moved = (sums: Map<string, number[]>) =>
      [...sums.keys()].filter((key) => sums.get(key)!.some((v) => v !== 0)).sort();
    expect(moved(fromPooled).length).toBeGreaterThan(10);
    expect(moved(fromPooled)).toEqual(moved(fromFull));
    for (const [key, sum] of fromPooled) {
      sum.forEach((value, j) => {
        expect(value, `${key}[${j}]`).toBeCloseTo(fromFull.get(key)![j]!, 5);
      });
    }
    tf.dispose([...upstream, ...sequenceGradients, ...fullZeros, ...pooledZeros]);
    pooled.dispose();
    full.dispose();
  });

  it('are what a mean-pool model prepares, and a training round trip leaks nothing', async () => {
    const model = tinyModel('mmoe', data, { sequenceEncoder: 'mean-pool' });
    await expectNoLeakedTensors(() => {
      const prepared = model.prepare(batch, { training: true, seed: 1 });
      expect(prepared.sparseInputs.slice(-3).map((t) => t.shape)).toEqual([
        [B, d],
        [B, d],
        [B, d],
      ]);
      const dense = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
      const { value, grads } = tf
        .engine()
        .gradients(
          () =>
            tf.addN(model.forward(prepared, { training: true, seed: 1 }).map((t) => tf.sum(t))) as tf.Scalar,
          [...prepared.sparseInputs, ...dense],
        );
      const sparse = grads.slice(0, prepared.sparseInputs.length);
      prepared.applySparseGradients(sparse);
      tf.dispose([value, ...grads]);
      prepared.dispose();
    });
    model.dispose();
  });
});
