import { ConfigError, createRng } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { aucUndefinedReason, MetricAccumulator } from './accumulator.js';
import { auc } from './auc.js';
import { gauc } from './gauc.js';
import { logloss } from './logloss.js';
import { formatReportTable, MultiTaskAccumulator } from './report.js';

function data(seed: number, n: number) {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
  const probs = labels.map((y) => Math.min(1, Math.max(0, rng.next() * 0.8 + 0.2 * y)));
  const groups = labels.map(() => rng.int(20));
  return { labels, probs, groups };
}

describe('MetricAccumulator', () => {
  it('gives exactly the one-shot metrics over many batches', () => {
    const { labels, probs, groups } = data(1, 1000);
    const accumulator = new MetricAccumulator('click');
    for (let start = 0; start < 1000; start += 128) {
      accumulator.add(labels.slice(start, start + 128), Float32Array.from(probs.slice(start, start + 128)), {
        groups: groups.slice(start, start + 128),
      });
    }
    const probs32 = Array.from(Float32Array.from(probs));
    const result = accumulator.result();
    expect(result.count).toBe(1000);
    expect(result.positives).toBe(labels.filter((y) => y === 1).length);
    expect(result.auc).toBe(auc(labels, probs32));
    expect(result.gauc).toBe(gauc(labels, probs32, groups).value);
    expect(result.logloss).toBe(logloss(labels, probs32));
  });

  it('keeps only masked-in samples (the task sample space)', () => {
    const { labels, probs } = data(2, 300);
    const mask = labels.map((_, i) => (i % 3 === 0 ? 0 : 1));
    const accumulator = new MetricAccumulator('conversion');
    accumulator.add(labels, probs, { mask });
    const keep = (values: number[]) => values.filter((_, i) => mask[i] === 1);
    expect(accumulator.count).toBe(200);
    expect(accumulator.auc()).toBe(auc(keep(labels), keep(probs)));
  });

  it('reports undefined metrics as null, never 0.5', () => {
    const accumulator = new MetricAccumulator('order');
    expect(accumulator.result()).toEqual({
      task: 'order',
      count: 0,
      positives: 0,
      auc: null,
      gauc: null,
      gaucGroupsUsed: 0,
      gaucGroupsSkipped: 0,
      logloss: null,
      minPrediction: null,
      maxPrediction: null,
    });
    expect(aucUndefinedReason(accumulator.result())).toBe('no samples');
    accumulator.add([0, 0], [0.1, 0.2]);
    expect(accumulator.result().auc).toBeNull();
    expect(aucUndefinedReason(accumulator.result())).toBe('no positives in 2 samples');
    expect(aucUndefinedReason({ count: 3, positives: 3 })).toBe('no negatives in 3 samples');
    expect(aucUndefinedReason({ count: 3, positives: 1 })).toBeNull();
    expect(accumulator.result().logloss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
  });

  it('reports the range of the predictions in the sample space (constant predictions: min = max)', () => {
    const accumulator = new MetricAccumulator('conversion');
    accumulator.add([0, 1, 0, 1], [0.9, 0.25, 0.25, 0.25], { mask: [0, 1, 1, 1] });
    expect(accumulator.result()).toMatchObject({ minPrediction: 0.25, maxPrediction: 0.25, auc: 0.5 });
    accumulator.add([1, 0], [0.75, 0.125]);
    expect(accumulator.result()).toMatchObject({ minPrediction: 0.125, maxPrediction: 0.75 });
  });

  it('rejects a bad batch without changing its state', () => {
    const accumulator = new MetricAccumulator('click');
    accumulator.add([0, 1], [0.2, 0.7]);
    expect(() => accumulator.add([0, 3], [0.2, 0.7])).toThrow('labels must be 0 or 1');
    expect(() => accumulator.add([0, 1], [0.2, 0.7], { mask: [1, 2] })).toThrow('mask must be 0 or 1');
    expect(() => accumulator.add([0, 1], [0.2, 0.7], { groups: [1, 2] })).toThrow(ConfigError);
    expect(accumulator.count).toBe(2);
  });
});

describe('MultiTaskAccumulator', () => {
  it('reports every task and the mean AUC, and formats a table', () => {
    const a = data(3, 200);
    const b = data(4, 200);
    const accumulator = new MultiTaskAccumulator(['click', 'conversion']);
    accumulator.add({ labels: [a.labels, b.labels], probs: [a.probs, b.probs], groups: a.groups });
    const report = accumulator.report();
    expect(report.tasks.map((t) => t.task)).toEqual(['click', 'conversion']);
    expect(report.meanAuc).toBeCloseTo((auc(a.labels, a.probs) + auc(b.labels, b.probs)) / 2, 14);
    const table = formatReportTable(report);
    expect(table).toContain('| click | 200 |');
    expect(table).toContain('Mean AUC over tasks:');
    const oneClass = new MultiTaskAccumulator(['click']);
    oneClass.add({ labels: [[0, 0, 0]], probs: [[0.1, 0.2, 0.3]] });
    expect(formatReportTable(oneClass.report())).toContain(
      '| click | 3 | 0 | n/a (no positives in 3 samples) |',
    );
    expect(() => accumulator.add({ labels: [a.labels], probs: [a.probs] })).toThrow(
      'one entry per task expected',
    );
    expect(() => new MultiTaskAccumulator(['a', 'a'])).toThrow('task names must be unique');
    expect(() => accumulator.task('cart')).toThrow('unknown task "cart"');
  });
});
