/**
 * The `stem` bottom: K + 1 tables per id space, counted; task k's loss reaches the shared tables and
 * task k's, never task j's (gradients and the optimizer step); prepare/backward/step leak nothing.
 */
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { type Batch, sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { plannedParameterCount } from './model-size.js';
import type { ModelPresetName } from './presets.js';
import type { RecommenderModel } from './recommender-model.js';
import { batchLoss, configErrorMessage, tinyData, tinyModel, tinyPreset } from './testing/tiny.js';

const data = tinyData(5, 200);
const batch = sliceRows(data, 0, 16);
const K = 2;

/** Task k's loss alone, plus 0 x every sparse input so each input has a (possibly zero) gradient. */
function taskLossGradients(
  model: RecommenderModel,
  prepared: ReturnType<RecommenderModel['prepare']>,
  k: number,
) {
  const taskBatch: Batch = {
    ...batch,
    labels: [batch.labels[k]!],
    sampleMasks: [batch.sampleMasks[k] ?? null],
  } as Batch;
  return tf.grads((...inputs: tf.Tensor[]) => {
    const logits = model.forward(prepared, { training: false });
    const reach = tf.addN(inputs.map((x) => tf.mul(tf.sum(x), 0)));
    return tf.add(batchLoss([logits[k]!], taskBatch), reach);
  })(prepared.sparseInputs as tf.Tensor[]);
}

/** Sum of |g| of each table set's gradients: [shared, task 0, task 1]. */
function gradientMass(gradients: readonly tf.Tensor[]): number[] {
  const perSet = gradients.length / (K + 1);
  return Array.from({ length: K + 1 }, (_, set) =>
    gradients
      .slice(set * perSet, (set + 1) * perSet)
      .reduce((sum, g) => sum + tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!), 0),
  );
}

describe('stem bottom: tables and counts', () => {
  it('has a shared table and one per task for every id space, all counted and planned', () => {
    const stem = tinyModel('stem-ple', data);
    const plain = tinyModel('ple', data);
    try {
      const plainNames = plain.embeddingTables().map((t) => t.name);
      const names = stem.embeddingTables().map((t) => t.name);
      expect(names).toEqual([
        ...plainNames,
        ...plainNames.map((n) => `click/${n}`),
        ...plainNames.map((n) => `conversion/${n}`),
      ]);
      // Rows are seeded by table name: the shared tables start as the plain model's.
      const first = (model: RecommenderModel) => Array.from(model.embeddingTables()[0]!.read());
      expect(first(stem)).toEqual(first(plain));
      const counts = stem.parameterCount();
      expect(counts.embedding).toBe((K + 1) * plain.parameterCount().embedding);
      expect(plannedParameterCount(data.schema, tinyPreset('stem-ple'))).toEqual(counts);
      // The head reads [shared | task's]: inputs twice as wide as the plain model's.
      expect(stem.parameterBreakdown().head).toBeGreaterThan(plain.parameterBreakdown().head);
    } finally {
      stem.dispose();
      plain.dispose();
    }
  });

  it('is refused with singleTask (one task has nothing to separate)', () => {
    expect(configErrorMessage(() => tinyModel('stem-ple', data, { singleTask: true }))).toContain(
      'singleTask needs bottom "shared"',
    );
  });
});

describe.each<ModelPresetName>(['stem-shared-bottom', 'stem-mmoe', 'stem-ple'])('%s', (name) => {
  it("task k's loss reaches the shared tables and task k's, never task j's", () => {
    const model = tinyModel(name, data);
    const prepared = model.prepare(batch, { training: true, seed: 1 });
    try {
      for (let k = 0; k < K; k++) {
        const gradients = taskLossGradients(model, prepared, k);
        const [shared, ...tasks] = gradientMass(gradients);
        tf.dispose(gradients);
        expect(shared, `task ${k}: shared tables`).toBeGreaterThan(0);
        tasks.forEach((mass, j) => {
          if (j === k) expect(mass, `task ${k}: own tables`).toBeGreaterThan(0);
          else expect(mass, `task ${k}: task ${j}'s tables`).toBe(0);
        });
      }
    } finally {
      prepared.dispose();
      model.dispose();
    }
  });

  it("one sparse step on task 0's loss changes task 0's and the shared rows, not task 1's", () => {
    const model = tinyModel(name, data);
    const read = () => new Map(model.embeddingTables().map((t) => [t.name, t.read()]));
    const before = read();
    const prepared = model.prepare(batch, { training: true, seed: 1 });
    const gradients = taskLossGradients(model, prepared, 0);
    prepared.applySparseGradients(gradients);
    tf.dispose(gradients);
    prepared.dispose();
    const after = read();
    model.dispose();
    const changed = (name: string) => !before.get(name)!.every((v, i) => v === after.get(name)![i]);
    expect(changed('item')).toBe(true);
    expect(changed('click/item')).toBe(true);
    for (const table of after.keys()) {
      if (table.startsWith('conversion/')) expect(changed(table), table).toBe(false);
    }
  });

  it('leaks no tensors through prepare, gradients, the sparse step and dispose', async () => {
    await expectNoLeakedTensors(
      () => {
        const model = tinyModel(name, data);
        const prepared = model.prepare(batch, { training: true, seed: 2 });
        const gradients = taskLossGradients(model, prepared, 1);
        prepared.applySparseGradients(gradients);
        tf.dispose(gradients);
        prepared.dispose();
        model.dispose();
      },
      { label: name },
    );
  });
});
