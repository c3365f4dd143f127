import type { MultiTaskReport } from '@dtrn/metrics';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_EARLY_STOPPING_STATE,
  parseMonitor,
  resolveEarlyStopping,
  updateEarlyStopping,
} from './early-stopping.js';

const tasks = ['click', 'conversion'];
const report = (aucs: [number, number | null], loglosses: [number, number]): MultiTaskReport => ({
  tasks: tasks.map((task, k) => ({
    task,
    count: 10,
    positives: 3,
    auc: aucs[k]!,
    gauc: aucs[k] === null ? null : aucs[k]! - 0.1,
    gaucGroupsUsed: 2,
    gaucGroupsSkipped: 0,
    logloss: loglosses[k]!,
    minPrediction: 0.1,
    maxPrediction: 0.9,
  })),
  meanAuc: aucs[1] === null ? aucs[0] : (aucs[0] + aucs[1]) / 2,
});

describe('early stopping', () => {
  it('reads every monitor with its direction', () => {
    const r = report([0.8, 0.6], [0.3, 0.5]);
    const read = (name: string) => {
      const monitor = parseMonitor(name, tasks);
      return [monitor.direction, monitor.read(r)];
    };
    expect(read('meanAuc')).toEqual(['max', 0.7]);
    expect(read('minAuc')).toEqual(['max', 0.6]);
    expect(read('meanGauc')[1]).toBeCloseTo(0.6, 12);
    expect(read('meanLogloss')).toEqual(['min', 0.4]);
    expect(read('auc:conversion')).toEqual(['max', 0.6]);
    expect(read('logloss:click')).toEqual(['min', 0.3]);
    const oneClass = report([0.8, null], [0.3, 0.5]);
    expect(parseMonitor('auc:conversion', tasks).read(oneClass)).toBeNull();
    // a monitor over tasks never selects on the tasks that happen to be defined
    expect(parseMonitor('meanAuc', tasks).read(oneClass)).toBeNull();
    expect(parseMonitor('minAuc', tasks).read(oneClass)).toBeNull();
    expect(parseMonitor('meanGauc', tasks).read(oneClass)).toBeNull();
    expect(parseMonitor('auc:click', tasks).read(oneClass)).toBe(0.8);
    expect(parseMonitor('minAuc', tasks).tasksNeedingBothClasses).toEqual(tasks);
    expect(parseMonitor('auc:click', tasks).tasksNeedingBothClasses).toEqual(['click']);
    expect(parseMonitor('meanLogloss', tasks).tasksNeedingBothClasses).toEqual([]);
    expect(() => parseMonitor('min-auc', tasks)).toThrow('did you mean "minAuc"?');
    expect(() => parseMonitor('meanAUC', tasks)).toThrow('monitor is invalid; did you mean "meanAuc"?');
  });

  it('counts epochs without an improvement larger than minDelta and stops after patience', () => {
    const settings = resolveEarlyStopping({ patience: 1, minDelta: 0.01 }, tasks);
    let state = INITIAL_EARLY_STOPPING_STATE;
    const steps = [0.7, 0.705, 0.72, 0.715, 0.719].map((value, epoch) => {
      const next = updateEarlyStopping(state, settings, value, epoch);
      state = next.state;
      return [next.improved, next.shouldStop];
    });
    expect(steps).toEqual([
      [true, false],
      [false, false], // +0.005 < minDelta
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(state).toEqual({ bestValue: 0.72, bestEpoch: 2, epochsWithoutImprovement: 2 });
  });

  it('minimises logloss, never stops when disabled, and validates its options', () => {
    const settings = resolveEarlyStopping({ monitor: 'meanLogloss', patience: 0 }, tasks);
    const first = updateEarlyStopping(INITIAL_EARLY_STOPPING_STATE, settings, 0.5, 0);
    expect(updateEarlyStopping(first.state, settings, 0.4, 1).improved).toBe(true);
    expect(updateEarlyStopping(first.state, settings, 0.6, 1).shouldStop).toBe(true);
    const off = resolveEarlyStopping(false, tasks);
    expect(updateEarlyStopping(first.state, off, 0.1, 1).shouldStop).toBe(false);
    expect(() => resolveEarlyStopping({ patiense: 2 } as never, tasks)).toThrow('did you mean "patience"?');
    expect(() => resolveEarlyStopping({ patience: 1.5 }, tasks)).toThrow(
      'FitOptions.earlyStopping.patience is invalid',
    );
  });
});
