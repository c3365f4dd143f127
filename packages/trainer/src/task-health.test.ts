import type { MultiTaskReport, TaskMetrics } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { degenerateTasks, describeDegenerate } from './task-health.js';
import { tinySetup } from './testing/setup.js';

function task(name: string, auc: number | null, min: number, max: number): TaskMetrics {
  return {
    task: name,
    count: 10,
    positives: 4,
    auc,
    gauc: null,
    gaucGroupsUsed: 0,
    gaucGroupsSkipped: 0,
    logloss: 0.6,
    minPrediction: min,
    maxPrediction: max,
  };
}

const report = (...tasks: TaskMetrics[]): MultiTaskReport => ({ tasks, meanAuc: null });

describe('degenerate tasks', () => {
  it('flags constant predictions and an AUC of exactly 0.5 at every evaluation', () => {
    const dead = report(task('click', 0.71, 0.1, 0.9), task('income', 0.5, 0.0625, 0.0625));
    expect(degenerateTasks(dead, [dead])).toEqual([
      { task: 'income', reasons: ['constant-predictions', 'auc-0.5-every-epoch'] },
    ]);
    // AUC 0.5 with varying predictions: degenerate only while it has been 0.5 at every epoch
    const tied = report(task('click', 0.71, 0.1, 0.9), task('income', 0.5, 0.2, 0.3));
    const learned = report(task('click', 0.72, 0.1, 0.9), task('income', 0.6, 0.2, 0.3));
    expect(degenerateTasks(tied, [tied, tied])).toEqual([
      { task: 'income', reasons: ['auc-0.5-every-epoch'] },
    ]);
    expect(degenerateTasks(tied, [learned, tied])).toEqual([]);
    // one class (AUC null) with varying predictions is not degenerate
    expect(degenerateTasks(report(task('click', null, 0.1, 0.2)), [])).toEqual([]);
    expect(describeDegenerate(degenerateTasks(dead, [dead]))).toBe(
      'income (constant predictions; AUC exactly 0.5 every epoch)',
    );
  });

  it('fit reports a model whose ReLUs are all off as degenerate in every epoch and in its result', async () => {
    const { model, train, validation } = tinySetup();
    const state = model.getState();
    const kernel = state.dense['shared/kernel']!;
    const bias = state.dense['shared/bias']!;
    // every shared ReLU off for any input: zero weights, bias -10 (no gradient reaches them again)
    model.setState({
      ...state,
      dense: {
        ...state.dense,
        'shared/kernel': { ...kernel, values: new Float32Array(kernel.values.length) },
        'shared/bias': { ...bias, values: new Float32Array(bias.values.length).fill(-10) },
      },
    });
    const seen: string[][] = [];
    const result = await fit(model, train, validation, {
      epochs: 3,
      batchSize: 16,
      earlyStopping: { monitor: 'minAuc', patience: 5 },
      onEpochEnd: (event) => void seen.push(event.degenerateTasks.map((entry) => entry.task)),
    });
    expect(seen).toEqual([
      ['click', 'conversion'],
      ['click', 'conversion'],
      ['click', 'conversion'],
    ]);
    expect(result.degenerateTasks).toEqual([
      { task: 'click', reasons: ['constant-predictions', 'auc-0.5-every-epoch'] },
      { task: 'conversion', reasons: ['constant-predictions', 'auc-0.5-every-epoch'] },
    ]);
    expect(result.history.map((record) => record.monitorValue)).toEqual([0.5, 0.5, 0.5]);
    model.dispose();
  });

  it('minAuc selects on the worst task; a healthy model is not flagged', async () => {
    const { model, train, validation } = tinySetup();
    const result = await fit(model, train, validation, {
      epochs: 3,
      batchSize: 16,
      optimizer: { learningRate: 0.02 },
      earlyStopping: { monitor: 'minAuc', patience: 5 },
    });
    for (const record of result.history) {
      const aucs = record.validation!.tasks.map((entry) => entry.auc!);
      expect(record.monitorValue).toBe(Math.min(...aucs));
      expect(record.degenerateTasks).toEqual([]);
    }
    expect(result.monitor).toBe('minAuc');
    expect(result.degenerateTasks).toEqual([]);
    model.dispose();
  });
});
