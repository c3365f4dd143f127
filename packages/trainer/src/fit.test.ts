import { isConfigError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { auc } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import type { EpochEndEvent, ProgressEvent } from './events.js';
import { fit } from './fit.js';
import { tinySetup } from './testing/setup.js';

describe('fit', () => {
  it('learns both tasks and reports history, events and throughput', async () => {
    const { model, train, validation } = tinySetup();
    const before = evaluate(model, validation).report;
    const progress: ProgressEvent[] = [];
    const epochs: EpochEndEvent[] = [];
    const result = await expectNoLeakedTensors(() =>
      fit(model, train, validation, {
        epochs: 8,
        batchSize: 16,
        optimizer: { learningRate: 0.02 },
        earlyStopping: { patience: 10 },
        progressEverySteps: 4,
        onProgress: (event) => {
          progress.push(event);
        },
        onEpochEnd: (event) => {
          epochs.push(event);
        },
      }),
    );
    const after = evaluate(model, validation).report;
    for (const task of [0, 1]) {
      expect(after.tasks[task]!.auc!).toBeGreaterThan(0.65);
      expect(after.tasks[task]!.auc!).toBeGreaterThan(before.tasks[task]!.auc! + 0.08);
    }
    expect(after.tasks[0]!.logloss!).toBeLessThan(before.tasks[0]!.logloss!);
    expect(after.tasks[1]!.logloss!).toBeLessThan(before.tasks[1]!.logloss!);
    expect(result.stoppedReason).toBe('completed');
    expect(result.steps).toBe(8 * 6);
    expect(result.history).toHaveLength(8);
    expect(result.history[7]!.trainLossPerTask[0]!).toBeLessThan(result.history[0]!.trainLossPerTask[0]!);
    const improvedEpochs = result.history.filter((record) => record.improved).map((record) => record.epoch);
    expect(result.bestEpoch).toBe(improvedEpochs.at(-1));
    expect(result.bestValue).toBe(result.history[result.bestEpoch!]!.monitorValue);
    expect(result.samplesPerSecond).toBeGreaterThan(0);
    // progress: every 4 steps and at each epoch end (6 batches per epoch)
    expect(progress.map((event) => event.step).slice(0, 4)).toEqual([4, 6, 8, 12]);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({
      step: 48,
      totalSteps: 48,
      epoch: 7,
      batchIndex: 6,
      batchesPerEpoch: 6,
      etaSeconds: 0,
    });
    expect(last.lossPerTask).toHaveLength(2);
    expect(last.taskWeights).toEqual([1, 1]);
    expect(progress[0]!.samplesPerSecond).toBeGreaterThan(0);
    expect(progress[0]!.etaSeconds).toBeGreaterThan(0);
    expect(progress[0]!.loss).toBeCloseTo(progress[0]!.lossPerTask[0]! + progress[0]!.lossPerTask[1]!, 5);
    expect(epochs.map((event) => event.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(epochs[0]!.validation!.tasks[1]!.count).toBe(validation.labels[0]!.reduce((a, b) => a + b, 0));
    model.dispose();
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const run = async (seed: number) => {
      const { model, train } = tinySetup({ model: { dropoutRate: 0.2 } });
      const result = await fit(model, train, null, { epochs: 2, batchSize: 16, seed });
      model.dispose();
      return result.history.map((record) => record.trainLossPerTask);
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
  });

  it('rejects bad options and data with messages naming the option', async () => {
    const { model, train, validation } = tinySetup();
    await expect(fit(model, train, validation, { epoch: 2 } as never)).rejects.toThrow(
      'FitOptions: unknown key "epoch"; did you mean "epochs"?',
    );
    await expect(fit(model, train, validation, { batchSize: 0 })).rejects.toThrow(
      'FitOptions.batchSize is invalid',
    );
    await expect(fit(model, train, train, {})).rejects.toThrow('validationData is the training data');
    await expect(fit(model, train, null, { earlyStopping: { patience: 1 } })).rejects.toThrow(
      'FitOptions.earlyStopping needs validation data',
    );
    await expect(fit(model, train, validation, { earlyStopping: { monitor: 'auc:clik' } })).rejects.toThrow(
      'did you mean "auc:click"?',
    );
    await expect(fit(model, train, validation, { resume: true })).rejects.toThrow(
      'FitOptions.resume needs FitOptions.checkpoint',
    );
    const oneTask = { ...train, labels: [train.labels[0]!], sampleMasks: [undefined] };
    await expect(fit(model, { batchesPerEpoch: 1, epoch: () => [oneTask] }, null, {})).rejects.toThrow(
      'batch 1 of epoch 1 has labels for the wrong number of tasks (expected 2 (click, conversion), found 1)',
    );
    const renamed = { ...train, schema: { ...train.schema, tasks: [{ name: 'click' }, { name: 'buy' }] } };
    const error = await fit(model, renamed, validation, {}).catch((caught: unknown) => caught);
    expect(isConfigError(error)).toBe(true);
    expect(String(error)).toContain("the data's tasks differ from the model's");
    model.dispose();
  });

  it('reports validation AUC equal to @dtrn/metrics on the same predictions', async () => {
    const { model, validation } = tinySetup();
    const result = evaluate(model, validation, { batchSize: 10, returnPredictions: true });
    expect(result.sampleCount).toBe(64);
    expect(result.report.tasks[0]!.auc).toBe(auc(validation.labels[0]!, result.predictions![0]!));
    const clicked = validation.sampleMasks[1]!;
    const keep = (values: Float32Array) => values.filter((_, i) => clicked[i] === 1);
    expect(result.report.tasks[1]!.auc).toBe(auc(keep(validation.labels[1]!), keep(result.predictions![1]!)));
    expect(result.report.tasks[0]!.gauc).not.toBeNull();
    const again = evaluate(model, validation, { batchSize: 64 }).report;
    expect(again).toEqual(result.report);
    await expectNoLeakedTensors(() => evaluate(model, validation, { batchSize: 7 }));
    expect(() => evaluate(model, validation, { batchsize: 3 } as never)).toThrow('did you mean "batchSize"?');
    model.dispose();
  });
});
