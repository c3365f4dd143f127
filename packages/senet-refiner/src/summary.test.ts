import { isConfigError, isShapeError } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FieldWeightAccumulator, formatFieldWeightTable, summarizeFieldWeights } from './summary.js';

/** Mean and population std of a column, in plain numbers. */
function columnStats(rows: number[][], column: number): [number, number] {
  const values = rows.map((row) => row[column]!);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance)];
}

describe('field-weight summaries', () => {
  const task0 = [
    [0.5, 1.5, 1.0],
    [0.7, 1.1, 1.2],
    [0.3, 1.9, 0.8],
    [0.9, 1.3, 1.0],
  ];
  const task1 = [
    [1.2, 0.4, 1.9],
    [1.0, 0.6, 1.7],
    [1.4, 0.2, 1.5],
    [1.6, 0.8, 1.1],
  ];

  it('reports the mean and std per (task, field) with names', async () => {
    const weights = [tf.tensor2d(task0), tf.tensor2d(task1)];
    const summary = await expectNoLeakedTensors(() =>
      summarizeFieldWeights(weights, {
        taskNames: ['click', 'order'],
        fieldNames: ['user', 'item', 'clicks'],
      }),
    );
    expect(summary.count).toBe(4);
    expect(summary.taskNames).toEqual(['click', 'order']);
    for (const [task, rows] of [task0, task1].entries()) {
      for (let field = 0; field < 3; field++) {
        const [mean, std] = columnStats(rows, field);
        expect(summary.meanWeights[task]![field]).toBeCloseTo(mean, 6);
        expect(summary.stdWeights[task]![field]).toBeCloseTo(std, 6);
      }
    }
    expect(summary.rows[4]).toMatchObject({ task: 'order', field: 'item' });
    expect(summary.rows[4]!.meanWeight).toBeCloseTo(0.5, 6);
    const table = formatFieldWeightTable(summary, 2);
    expect(table.split('\n')[0]).toBe('| field | click | order |');
    expect(table.split('\n')[3]).toBe(
      `| item | ${columnStats(task0, 1)[0].toFixed(2)} ± ${columnStats(task0, 1)[1].toFixed(2)} | ${columnStats(task1, 1)[0].toFixed(2)} ± ${columnStats(task1, 1)[1].toFixed(2)} |`,
    );
    tf.dispose(weights);
  });

  it('streams batches to the same statistics as one big batch', async () => {
    const accumulator = new FieldWeightAccumulator();
    for (const [start, end] of [
      [0, 1],
      [1, 3],
      [3, 4],
    ] as const) {
      const batch = [tf.tensor2d(task0.slice(start, end)), tf.tensor2d(task1.slice(start, end))];
      await accumulator.add(batch);
      tf.dispose(batch);
    }
    const whole = [tf.tensor2d(task0), tf.tensor2d(task1)];
    const reference = await summarizeFieldWeights(whole);
    const streamed = accumulator.summary();
    expect(streamed.count).toBe(4);
    expect(streamed.fieldNames).toEqual(['field_0', 'field_1', 'field_2']);
    expect(streamed.taskNames).toEqual(['task_0', 'task_1']);
    streamed.meanWeights.forEach((row, k) => {
      row.forEach((value, i) => {
        expect(value).toBeCloseTo(reference.meanWeights[k]![i]!, 6);
        expect(streamed.stdWeights[k]![i]).toBeCloseTo(reference.stdWeights[k]![i]!, 6);
      });
    });
    tf.dispose(whole);
  });

  it('rejects bad names, shapes and empty summaries', async () => {
    const weights = [tf.tensor2d(task0), tf.tensor2d(task1)];
    await expect(summarizeFieldWeights(weights, { fieldNames: ['a', 'b'] })).rejects.toThrow(
      'FieldWeightSummaryOptions.fieldNames is invalid (expected 3 non-empty names (one per field), found ["a", "b"])',
    );
    const accumulator = new FieldWeightAccumulator();
    expect(() => accumulator.summary()).toThrow(
      'FieldWeightAccumulator.summary: no examples added yet (expected at least one add() with a non-empty batch, found 0)',
    );
    await accumulator.add(weights);
    const caught = await accumulator.add([weights[0]!]).catch((error: unknown) => error);
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'FieldWeightAccumulator.add: wrong number of field-weight tensors (expected 2 tensors (one per task), found "1 tensors")',
    );
    const narrow = [tf.ones([2, 2]), tf.ones([2, 2])];
    const shapeError = await accumulator.add(narrow).catch((error: unknown) => error);
    expect(isShapeError(shapeError)).toBe(true);
    expect((shapeError as Error).message).toBe(
      'FieldWeightAccumulator.add fieldWeights[0] has the wrong shape (expected [B, N=3], found "[2, 2]")',
    );
    tf.dispose([...weights, ...narrow]);
  });
});
