import { isDataError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { type InMemoryDataset, takeRows } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { checkSplit, taskClassCounts } from './check-split.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { tinySetup } from './testing/setup.js';
import { tinyDataset } from './testing/tiny-data.js';

/** `data` with one dense column `price` (1.5 everywhere, `value` at `row`). */
function withDense(data: InMemoryDataset, row: number, value: number): InMemoryDataset {
  const price = new Float32Array(data.size).fill(1.5);
  price[row] = value;
  return { ...data, schema: { ...data.schema, denseFields: [{ name: 'price' }] }, dense: [price] };
}

/** `data` with every conversion label 0 (clicks kept: the sample space is unchanged). */
function withoutConversions(data: InMemoryDataset): InMemoryDataset {
  return { ...data, labels: [data.labels[0]!, new Float32Array(data.size)] };
}

describe('data checks before the first step', () => {
  it('counts each task over its own sample space', () => {
    const data = tinyDataset({ size: 200, seed: 4 });
    const clicks = data.labels[0]!.reduce((a, b) => a + b, 0);
    const conversions = data.labels[1]!.reduce((a, b) => a + b, 0);
    expect(taskClassCounts(data)).toEqual([
      { task: 'click', count: 200, positives: clicks },
      { task: 'conversion', count: clicks, positives: conversions },
    ]);
    expect(checkSplit(data, { name: 'test split', bothClasses: true })).toEqual(taskClassCounts(data));
  });

  it('fit stops on an Infinity before training, naming the split, the column and the row', async () => {
    const { model, train, validation } = tinySetup();
    const steps: number[] = [];
    const run = (trainData: InMemoryDataset, validationData: InMemoryDataset) =>
      fit(model, trainData, validationData, {
        epochs: 1,
        onProgress: (event) => void steps.push(event.step),
      });
    const error = await run(withDense(train, 17, Number.POSITIVE_INFINITY), validation).catch(
      (caught: unknown) => caught,
    );
    expect(isDataError(error)).toBe(true);
    expect(String(error)).toContain(
      'fit trainData: field dense/price, index 17: non-finite value in dense/price (expected a finite number, found Infinity)',
    );
    await expect(run(train, withDense(validation, 3, Number.NaN))).rejects.toThrow(
      'fit validationData: field dense/price, index 3: non-finite value',
    );
    expect(steps).toEqual([]);
    model.dispose();
  });

  it('fit rejects empty splits and one-class tasks, naming the split and the task', async () => {
    const { model, train, validation } = tinySetup();
    const empty = takeRows(validation, new Int32Array(0));
    await expect(fit(model, takeRows(train, new Int32Array(0)), validation, {})).rejects.toThrow(
      'fit trainData is empty (expected at least one row)',
    );
    await expect(fit(model, train, empty, {})).rejects.toThrow('fit validationData is empty');
    const conversions = train.labels[1]!.reduce((a, b) => a + b, 0);
    expect(conversions).toBeGreaterThan(0);
    await expect(fit(model, withoutConversions(train), validation, {})).rejects.toThrow(
      `fit trainData: task "conversion" has no positives (0 positives in ${train.labels[0]!.reduce((a, b) => a + b, 0)} rows of its sample space), so its AUC is undefined`,
    );
    // Validation: only the tasks the monitor reads must hold both classes.
    const noConversions = withoutConversions(validation);
    for (const monitor of ['meanAuc', 'minAuc', 'auc:conversion', 'meanGauc']) {
      await expect(fit(model, train, noConversions, { earlyStopping: { monitor } })).rejects.toThrow(
        'fit validationData: task "conversion" has no positives',
      );
    }
    const noClicks = { ...validation, labels: validation.labels.map((l) => new Float32Array(l.length)) };
    await expect(
      fit(model, train, { ...noClicks, sampleMasks: [undefined, new Float32Array(validation.size)] }, {}),
    ).rejects.toThrow('task "click" has no positives');
    const epochs = { epochs: 1, batchSize: 48 };
    const byClick = await fit(model, train, noConversions, {
      ...epochs,
      earlyStopping: { monitor: 'auc:click' },
    });
    expect(byClick.history[0]!.monitorValue).not.toBeNull();
    expect(byClick.history[0]!.validation!.tasks[1]!.auc).toBeNull();
    const unmonitored = await fit(model, train, noConversions, { ...epochs, earlyStopping: false });
    expect(unmonitored.stoppedReason).toBe('completed');
    model.dispose();
  });

  it('evaluate validates a dataset (split and row in the message) and leaks nothing', async () => {
    const { model, validation } = tinySetup();
    expect(() => evaluate(model, withDense(validation, 9, Number.NEGATIVE_INFINITY))).toThrow(
      'evaluate data: field dense/price, index 9: non-finite value in dense/price',
    );
    expect(() => evaluate(model, takeRows(validation, new Int32Array(0)))).toThrow('evaluate data is empty');
    const labels = validation.labels[0]!.slice();
    labels[5] = 2;
    expect(() => evaluate(model, { ...validation, labels: [labels, validation.labels[1]!] })).toThrow(
      'evaluate data: field label/click, index 5: label outside {0, 1}',
    );
    const report = await expectNoLeakedTensors(() => evaluate(model, withoutConversions(validation)).report);
    expect(report.tasks[1]!.auc).toBeNull(); // one class: null AUC, not an error (see aucUndefinedReason)
    model.dispose();
  });
});
